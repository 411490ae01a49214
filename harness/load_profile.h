// How much load a workload offers over the run: a piecewise-linear target (requests per second
// for the open model, virtual users for the closed one) built from stages, k6-style.
//
//   start ──stage 1──▶ target1 ──stage 2──▶ target2 ... then held until the end of the run.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "harness/units.h"

namespace loadgate {

class RateSchedule;

struct Stage {
  double target = 0;  // requests/s or VUs reached at the end of the stage
  Duration duration{};
};

class LoadProfile {
 public:
  // A constant level for the whole run.
  static LoadProfile constant(double level);
  LoadProfile(double start, std::vector<Stage> stages);

  // The level (rate or VUs) at time t from the start of the run.
  double level_at(Duration t) const;
  // ∫ level dt from 0 to t: for a rate, the expected number of arrivals by t.
  double integral_to(Duration t) const;
  // The time at which integral_to(t) reaches `count`; nullopt if it never does before `end`.
  std::optional<Duration> time_of_integral(double count, Duration end) const;
  double peak() const;
  // The mean level over [from, from + length): a phase's offered rate.
  double mean_level(Duration from, Duration length) const;

 private:
  struct Segment {
    double t0, t1;  // seconds; t1 is +inf for the held tail
    double l0, l1;  // level at t0 and t1
    double area_before;
  };
  std::vector<Segment> segments_;
};

// The arrival times of one generator's share of an open-loop workload.
//
// The schedule is global: with `owners` generator threads, owner k takes global arrivals
// k, k+owners, ... (uniform), or runs an independent Poisson process at 1/owners of the rate
// (whose sum is the Poisson process at the full rate). Latency is measured from these intended
// times, whatever the generator actually managed (coordinated omission corrected, as wrk2 does).
class Arrivals {
 public:
  enum class Spacing { uniform, poisson };
  Arrivals(const LoadProfile& rate, Duration run_length, Spacing spacing, unsigned owner = 0,
           unsigned owners = 1, uint64_t seed = 1);
  // The same at a rate decided as the run goes (a capacity search): each gap is spent at the
  // rates in force along it, and arrivals stop where the schedule ends.
  Arrivals(const RateSchedule& rate, Duration run_length, Spacing spacing, unsigned owner = 0,
           unsigned owners = 1, uint64_t seed = 1);
  // Offset from the run start of this owner's next arrival; nullopt once past the end.
  std::optional<Duration> next();

 private:
  Arrivals(Duration run_length, Spacing spacing, unsigned owner, unsigned owners, uint64_t seed);
  std::optional<Duration> next_scheduled(double position);

  const LoadProfile* rate_ = nullptr;
  const RateSchedule* schedule_ = nullptr;
  double at_ = 0, spent_ = 0;  // schedule only: the last arrival (s) and its position
  Duration end_;
  Spacing spacing_;
  unsigned owners_;
  double position_;  // in "expected arrivals" units
  std::mt19937_64 rng_;
  std::exponential_distribution<double> gap_;
};

}  // namespace loadgate
