// Which clients came back after a fault, from their last try and last success.
#include <catch2/catch.hpp>

#include "harness/recovery_units.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("clients are judged from when their workload was back: idle ones are untried") {
  RecoveryUnits units("pool connection", {"c0", "c1", "c2", "c3"});
  const auto recovered = Clock::now();        // the fault's recovery
  units.record(0, false, recovered + 100ms);  // failed in the outage, idle since
  units.record(1, true, recovered + 500ms);   // the first success: the workload is back
  units.record(2, false, recovered + 600ms);  // failed after that, and never succeeded
  units.record(3, false, recovered + 550ms);  // failed after that, then succeeded
  units.record(3, true, recovered + 700ms);
  units.record(1, true, recovered + 800ms);

  // Asked late, c1's first success was overwritten: c3's at 700 ms is the earliest left.
  const auto back = units.first_success_since(recovered);
  REQUIRE(back);
  CHECK(*back == recovered + 700ms);

  const ClientRecovery r = units.assess("orders", recovered, recovered + 500ms);
  CHECK(r.workload == "orders");
  CHECK(r.kind == "pool connection");
  CHECK(r.total == 4);
  CHECK(r.tried == 3);  // c1, c2, c3; c0 only tried before the workload was back
  CHECK(r.recovered == 2);
  CHECK(r.not_recovered == std::vector<std::string>{"c2"});
}

TEST_CASE("with no success since the recovery, every client that tried is unrecovered") {
  RecoveryUnits units("pool connection", {"c0", "c1"});
  const auto recovered = Clock::now();
  units.record(0, true, recovered - 1s);  // before the fault: does not count
  units.record(0, false, recovered + 100ms);
  units.record(1, false, recovered + 200ms);
  CHECK_FALSE(units.first_success_since(recovered));
  const ClientRecovery r = units.assess("stubborn", recovered, recovered, 1);
  CHECK(r.tried == 2);
  CHECK(r.recovered == 0);
  CHECK(r.not_recovered.size() == 1);  // at most `listed` are named
}
