#include <catch2/catch.hpp>

#include <set>

#include "harness/arrival_schedule.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("a constant rate offers exactly rate x duration arrivals, evenly spaced") {
  ConstantArrivals schedule(200, 10s);
  CHECK(schedule.count() == 2000);
  CHECK(*schedule.at(0) == Duration::zero());
  CHECK(*schedule.at(1) == Duration(5ms));
  CHECK(*schedule.at(1999) == Duration(9995ms));
  CHECK_FALSE(schedule.at(2000));
}

TEST_CASE("a rate that does not divide the duration rounds the count up, never past the end") {
  ConstantArrivals schedule(3, 1s);  // 0, 333.3 ms, 666.7 ms
  CHECK(schedule.count() == 3);
  CHECK(*schedule.at(2) < Duration(1s));
  ConstantArrivals slow(0.5, 3s);  // 0 s and 2 s
  CHECK(slow.count() == 2);
  CHECK(*slow.at(1) == Duration(2s));
}

TEST_CASE("threads share one schedule: together they hold every arrival exactly once") {
  const unsigned owners = 3;
  std::set<int64_t> seen;
  uint64_t total = 0;
  for (unsigned owner = 0; owner < owners; ++owner) {
    ConstantArrivals part(1000, 1s, owner, owners);
    total += part.count();
    for (uint64_t k = 0; k < part.count(); ++k) {
      auto at = part.at(k);
      REQUIRE(at);
      CHECK(seen.insert(at->count()).second);
      if (k > 0) CHECK(*at > *part.at(k - 1));
    }
  }
  CHECK(total == 1000);
  CHECK(seen.size() == 1000);
  CHECK(*seen.begin() == 0);
  CHECK(*seen.rbegin() == Duration(999ms).count());
}
