// Interned error classes: one number per name for the process, tallied by slot.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "harness/error_class.h"

using namespace loadgate;

TEST_CASE("an error class is interned once: the same name is the same class") {
  const ErrorClass a("test_refused");
  CHECK(a == ErrorClass(std::string("test_refused")));
  CHECK_FALSE(a == ErrorClass("test_timeout"));
  CHECK(a.name() == "test_refused");
  CHECK(ErrorClass().empty());
  CHECK(ErrorClass("").empty());
  CHECK(ErrorClass::http_status(503) == ErrorClass("http_503"));
  CHECK(ErrorClass::http_status(503).name() == "http_503");
  CHECK(ErrorClass::http_status(999).name() == "http_999");  // outside the table, still named
}

TEST_CASE("tallies of several threads add up slot by slot, and name their classes") {
  std::vector<ErrorTally> tallies(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < tallies.size(); ++t)
    threads.emplace_back([&tallies, t] {
      for (int i = 0; i < 1000; ++i) {
        tallies[t].add(ErrorClass::http_status(500 + i % 3));
        if (i % 10 == 0) tallies[t].add(ErrorClass("test_reset"));
      }
    });
  for (auto& thread : threads) thread.join();
  ErrorTally total;
  for (const auto& tally : tallies) total.add(tally);
  CHECK(total.total() == 4 * 1100);
  ErrorCounts counts;
  total.add_to(counts);
  CHECK(counts.at("http_500") == 4 * 334);
  CHECK(counts.at("http_502") == 4 * 333);
  CHECK(counts.at("test_reset") == 400);
  total.reset();
  CHECK(total.total() == 0);
}
