#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "harness/histogram.h"

using namespace loadgate;

TEST_CASE("percentiles of a uniform 1..10000 µs series are within 0.1%") {
  Histogram h;
  for (int64_t v = 1; v <= 10000; ++v) REQUIRE(h.record(v));
  CHECK(h.count() == 10000);
  CHECK(h.min() == 1);
  CHECK(h.max() == 10000);
  CHECK(h.mean() == Approx(5000.5));
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double exact = p * 100;
    CHECK(static_cast<double>(h.value_at_percentile(p)) == Approx(exact).epsilon(0.001));
  }
  CHECK(h.value_at_percentile(100) == 10000);
}

TEST_CASE("values up to an hour keep three significant digits") {
  Histogram h;
  const int64_t hour = Histogram::kHighestTrackableMicros;
  REQUIRE(h.record(hour));
  REQUIRE(h.record(123'456'789));
  CHECK(h.value_at_percentile(100) == hour);
  CHECK(static_cast<double>(h.value_at_percentile(50)) == Approx(123'456'789).epsilon(0.001));
}

TEST_CASE("an out-of-range value is counted, never clamped") {
  Histogram h;
  CHECK_FALSE(h.record(-1));
  CHECK_FALSE(h.record(Histogram::kHighestTrackableMicros + 1));
  CHECK(h.count() == 0);
  CHECK(h.out_of_range() == 2);
  CHECK(h.value_at_percentile(99) == 0);
}

TEST_CASE("merging two histograms equals recording everything into one") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(6.0, 1.5);
  Histogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    auto v = static_cast<int64_t>(latency(rng));
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.max() == all.max());
  CHECK(a.min() == all.min());
  for (double p : {10.0, 50.0, 90.0, 99.0, 99.99})
    CHECK(a.value_at_percentile(p) == all.value_at_percentile(p));
}

TEST_CASE("reset empties a histogram for reuse") {
  Histogram h;
  h.record(42);
  h.reset();
  CHECK(h.count() == 0);
  CHECK(h.max() == 0);
  h.record(7);
  CHECK(h.value_at_percentile(50) == 7);
}

TEST_CASE("percentiles match exact ranks of sorted random data within 3 significant digits") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency(7.0, 2.0);  // µs, a heavy tail up to seconds
  std::vector<int64_t> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    auto v =
        std::min<int64_t>(static_cast<int64_t>(latency(rng)), Histogram::kHighestTrackableMicros);
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    // The same rank rule as the histogram: the value with round(p% of n) values at or below it.
    const size_t rank =
        static_cast<size_t>(std::llround(p / 100.0 * static_cast<double>(values.size()))) - 1;
    const auto exact = static_cast<double>(values[rank]);
    INFO("p" << p << " exact " << exact);
    CHECK(static_cast<double>(h.value_at_percentile(p)) == Approx(exact).epsilon(0.001).margin(1));
  }
}
