// The `capacity-search` executor: a rate decided while the run goes, step by step, from what the
// target did at the last step (reports/rate_search.h decides; this only carries the decisions to
// the generator threads).
//
//   executor: {type: capacity-search, start: 2/s, max: 500/s, factor: 2, hold: 10s}
//
// The rate starts at `start` and is multiplied by `factor` (or raised by `step`) while each step
// meets the scenario's SLO; past the first step that breaks it, the rate bisects between the
// highest step that met it and the lowest that broke it, until they are within `resolution`.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include "harness/units.h"

namespace loadgate {

struct RateSearchSpec {
  double start = 0;  // requests/s of the first step
  double max = 0;    // never offered more; meeting the SLO here ends the search
  double step = 0;   // added to the rate after a step met the SLO (0: multiply by factor)
  double factor = 2;
  Duration hold = std::chrono::seconds(10);  // each step is judged over at least this long
  // And on at least this many requests (0: enough for the SLO's highest percentile to rest on
  // 5 requests beyond it, and at least 100, so a 1% error rate can show).
  uint64_t min_samples = 0;
  double resolution = 0.05;  // stop bisecting when the bracket is within 5% of the rate that met
};

// The rates a search has decided, published by the thread that folds the intervals and read by
// every generator thread without a lock: steps are only appended, each before the count that
// makes it visible.
class RateSchedule {
 public:
  static constexpr size_t kMaxSteps = 256;
  explicit RateSchedule(double first_rate);
  // From offset `from` on (later than the last step's), `rate`. Past kMaxSteps, nothing changes.
  void set(Duration from, double rate);
  // No arrival at or after offset `at`: the search is over.
  void end(Duration at);
  double rate_at(Duration t) const;
  // The first step after `t`, if one is published yet.
  std::optional<Duration> next_change_after(Duration t) const;
  std::optional<Duration> ended_at() const;

 private:
  struct Step {
    Duration from{};
    double rate = 0;
  };
  std::array<Step, kMaxSteps> steps_{};
  std::atomic<size_t> count_{0};
  std::atomic<Duration::rep> end_{Duration::max().count()};
};

}  // namespace loadgate
