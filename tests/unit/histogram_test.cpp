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

TEST_CASE("a histogram read back from counts keeps the exact min, max and sum it was given") {
  Histogram h;
  h.record(1234, 3);
  h.record(98'765);
  std::vector<uint64_t> counts(h.counts().begin(), h.counts().end());
  const Histogram back = Histogram::from_counts(counts, h.min(), h.max(), h.sum(), 0);
  CHECK(back.min() == 1234);
  CHECK(back.max() == 98'765);
  CHECK(back.mean() == h.mean());
  // A min or max that does not bracket the counts is widened to them: merge() visits only the
  // buckets between, and would otherwise lose values.
  const Histogram wrong = Histogram::from_counts(counts, 5000, 6000, h.sum(), 0);
  CHECK(wrong.min() <= 1234);
  CHECK(wrong.max() >= 98'765);
  Histogram sum;
  sum.merge(wrong);
  CHECK(sum.count() == 4);
  CHECK(sum.value_at_percentile(100) >= 98'765);
}

TEST_CASE("merging and resetting visit only the recorded range, and reset keeps it reusable") {
  Histogram narrow, wide;
  narrow.record(500, 10);
  wide.record(1, 1);
  wide.record(Histogram::kHighestTrackableMicros, 1);
  Histogram total;
  for (int i = 0; i < 3; ++i) {
    total.merge(narrow);
    total.merge(wide);
  }
  CHECK(total.count() == 36);
  CHECK(total.min() == 1);
  CHECK(total.value_at_percentile(50) == 500);
  total.reset();
  CHECK(total.count() == 0);
  CHECK(
      std::all_of(total.counts().begin(), total.counts().end(), [](uint64_t c) { return c == 0; }));
  total.record(7);
  CHECK(total.value_at_percentile(50) == 7);
}
