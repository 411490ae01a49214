// Which clients came back after a fault, from their last try and last success.
#include <catch2/catch.hpp>

#include "harness/recovery_units.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("clients are judged from when their pool was back, by their last try") {
  // Pool 0: c0..c3; pool 1: d0, d1.
  RecoveryUnits units("pool connection", {"c0", "c1", "c2", "c3", "d0", "d1"}, {0, 0, 0, 0, 1, 1});
  const auto recovered = Clock::now();        // the fault's recovery
  units.record(0, false, recovered + 100ms);  // failed in the outage, idle since
  units.record(1, true, recovered + 500ms);   // pool 0's first success: the pool is back
  units.record(2, false, recovered + 600ms);  // failed after that, and never again tried
  units.record(3, false, recovered + 550ms);  // failed after that, then succeeded
  units.record(3, true, recovered + 700ms);
  units.record(4, false, recovered + 900ms);  // pool 1 came back later: d0 failed before that
  units.record(5, true, recovered + 1000ms);

  RecoveryUnits::BackAt back_at;
  units.update_back_at(back_at, recovered);
  REQUIRE(back_at.size() == 2);
  CHECK(back_at[0] == recovered + 500ms);
  CHECK(back_at[1] == recovered + 1000ms);
  units.record(1, true, recovered + 800ms);  // later successes do not move a group's return
  units.update_back_at(back_at, recovered);
  CHECK(back_at[0] == recovered + 500ms);

  const ClientRecovery r = units.assess("orders", recovered, back_at);
  CHECK(r.workload == "orders");
  CHECK(r.kind == "pool connection");
  CHECK(r.total == 6);
  CHECK(r.tried == 4);  // c1, c2, c3, d1; c0 and d0 only tried before their pool was back
  CHECK(r.recovered == 3);
  CHECK(r.not_recovered == std::vector<std::string>{"c2"});
}

TEST_CASE("a pool that never came back has every client that tried named") {
  RecoveryUnits units("pool connection", {"c0", "c1"}, {0, 0});
  const auto recovered = Clock::now();
  units.record(0, true, recovered - 1s);  // before the fault: does not count
  units.record(0, false, recovered + 100ms);
  units.record(1, false, recovered + 200ms);
  RecoveryUnits::BackAt back_at;
  units.update_back_at(back_at, recovered);
  CHECK_FALSE(back_at[0]);
  const ClientRecovery r = units.assess("stubborn", recovered, back_at, 1);
  CHECK(r.tried == 2);
  CHECK(r.recovered == 0);
  CHECK(r.not_recovered.size() == 1);  // at most `listed` are named
}

TEST_CASE("a closed-model executor has one tracked virtual user per user at its peak") {
  ExecutorSpec closed;
  closed.model = ExecutorSpec::Model::closed;
  closed.profile = LoadProfile::constant(3);
  const auto vus = virtual_users_of(closed);
  REQUIRE(vus);
  CHECK(vus->size() == 3);
  CHECK(vus->group_count() == 3);  // each user comes back on its own
  ExecutorSpec open;
  open.profile = LoadProfile::constant(100);
  CHECK(virtual_users_of(open) == nullptr);
}
