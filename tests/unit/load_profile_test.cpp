#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "harness/load_profile.h"
#include "harness/rate_schedule.h"

using namespace loadgate;
using namespace std::chrono_literals;

namespace {

std::vector<Duration> all(Arrivals arrivals) {
  std::vector<Duration> times;
  while (auto t = arrivals.next()) times.push_back(*t);
  return times;
}

}  // namespace

TEST_CASE("a constant rate offers exactly rate x duration arrivals, evenly spaced") {
  const LoadProfile rate = LoadProfile::constant(200);
  auto times = all(Arrivals(rate, 10s, Arrivals::Spacing::uniform));
  REQUIRE(times.size() == 2000);
  CHECK(times[0] == Duration::zero());
  CHECK(times[1] == Duration(5ms));
  CHECK(times[1999] == Duration(9995ms));
}

TEST_CASE("a rate that does not divide the duration never schedules past the end") {
  const LoadProfile three = LoadProfile::constant(3);
  auto times = all(Arrivals(three, 1s, Arrivals::Spacing::uniform));  // 0, 1/3, 2/3 s
  CHECK(times.size() == 3);
  CHECK(times.back() < Duration(1s));
  const LoadProfile half = LoadProfile::constant(0.5);
  CHECK(all(Arrivals(half, 3s, Arrivals::Spacing::uniform)).size() == 2);  // 0 s and 2 s
}

TEST_CASE("threads share one schedule: together they hold every arrival exactly once") {
  const LoadProfile rate = LoadProfile::constant(1000);
  std::set<int64_t> seen;
  size_t total = 0;
  for (unsigned owner = 0; owner < 3; ++owner) {
    auto times = all(Arrivals(rate, 1s, Arrivals::Spacing::uniform, owner, 3));
    total += times.size();
    for (size_t k = 0; k < times.size(); ++k) {
      CHECK(seen.insert(times[k].count()).second);
      if (k > 0) CHECK(times[k] > times[k - 1]);
    }
  }
  CHECK(total == 1000);
  CHECK(*seen.rbegin() == Duration(999ms).count());
}

TEST_CASE("ramping stages offer the area under the rate curve") {
  // 0 → 100/s over 10 s (500 arrivals), held 10 s (1000), down to 0 over 5 s (250).
  const LoadProfile ramp(0, {{100, 10s}, {100, 10s}, {0, 5s}});
  CHECK(ramp.level_at(5s) == Approx(50));
  CHECK(ramp.level_at(15s) == Approx(100));
  CHECK(ramp.level_at(22500ms) == Approx(50));
  CHECK(ramp.integral_to(10s) == Approx(500));
  CHECK(ramp.integral_to(25s) == Approx(1750));
  CHECK(ramp.peak() == Approx(100));
  auto times = all(Arrivals(ramp, 25s, Arrivals::Spacing::uniform));
  CHECK(times.size() == 1750);
  // Arrivals thicken as the rate rises: the first 5 s hold a quarter of the ramp's 500.
  size_t first_five = 0;
  for (auto t : times)
    if (t < Duration(5s)) ++first_five;
  CHECK(first_five == 125);
}

TEST_CASE("the last stage's target is held until the end of the run") {
  const LoadProfile ramp(10, {{20, 1s}});
  CHECK(ramp.level_at(100s) == Approx(20));
  CHECK(all(Arrivals(ramp, 3s, Arrivals::Spacing::uniform)).size() == 55);  // 15 + 2 x 20
}

TEST_CASE("a rate held at zero offers nothing more") {
  const LoadProfile stop(10, {{0, 1s}});
  CHECK(all(Arrivals(stop, 10s, Arrivals::Spacing::uniform)).size() == 5);
}

TEST_CASE("Poisson arrivals have the configured mean rate and exponential gaps") {
  const LoadProfile rate = LoadProfile::constant(1000);
  size_t total = 0;
  double sum_gap = 0, sum_gap_squared = 0;
  size_t gaps = 0;
  for (unsigned owner = 0; owner < 2; ++owner) {
    auto times = all(Arrivals(rate, 100s, Arrivals::Spacing::poisson, owner, 2, 42));
    total += times.size();
    for (size_t k = 1; k < times.size(); ++k) {
      const double gap = std::chrono::duration<double>(times[k] - times[k - 1]).count();
      sum_gap += gap;
      sum_gap_squared += gap * gap;
      ++gaps;
    }
  }
  // 100,000 expected; a Poisson count has σ = √100000 ≈ 316, so ±1% is over 3σ.
  CHECK(static_cast<double>(total) == Approx(100000).epsilon(0.01));
  // Each owner runs at 500/s: exponential gaps with mean 2 ms and σ equal to the mean.
  const double mean = sum_gap / static_cast<double>(gaps);
  const double sd = std::sqrt(sum_gap_squared / static_cast<double>(gaps) - mean * mean);
  CHECK(mean == Approx(0.002).epsilon(0.02));
  CHECK(sd == Approx(mean).epsilon(0.05));
}

TEST_CASE("a zero-length stage steps straight to its target") {
  const LoadProfile step(0, {{500, 0s}, {500, 10s}});
  CHECK(step.level_at(1s) == Approx(500));
  CHECK(all(Arrivals(step, 10s, Arrivals::Spacing::uniform)).size() == 5000);
}

TEST_CASE("a rate decided as the run goes: each stretch offers the rate in force along it") {
  RateSchedule schedule(5);
  schedule.set(10s, 20);
  schedule.set(20s, 2);
  schedule.end(30s);
  for (const auto spacing : {Arrivals::Spacing::uniform, Arrivals::Spacing::poisson}) {
    std::vector<size_t> per_stretch(3, 0);
    for (unsigned owner = 0; owner < 2; ++owner)
      for (auto t : all(Arrivals(schedule, 60s, spacing, owner, 2, 7)))
        ++per_stretch.at(static_cast<size_t>(t / 10s));
    INFO((spacing == Arrivals::Spacing::uniform ? "uniform" : "poisson"));
    // Uniform: exactly (each owner may carry one gap across a change); Poisson: within 4 sigma.
    const double slack = spacing == Arrivals::Spacing::uniform ? 2 : 4;
    for (const auto& [stretch, expected] : {std::pair{0, 50.0}, {1, 200.0}, {2, 20.0}})
      CHECK(std::abs(static_cast<double>(per_stretch[stretch]) - expected) <=
            slack * (spacing == Arrivals::Spacing::uniform ? 1 : std::sqrt(expected)));
  }
}
