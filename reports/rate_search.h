// The adaptive capacity search of the `capacity-search` executor (harness/rate_schedule.h): it
// reads a workload's intervals as they come and decides the next rate, as Nighthawk's adaptive
// load controller does.
//
// A step is the rate in force from an interval boundary on. Its first interval settles (answers
// to the last step's requests still arrive in it) and is not judged; from then on the step's
// intervals are added up, and the step is judged on their merged histogram once it has lasted
// `hold` and has `min_samples` requests. A step that can no longer meet the SLO however the rest
// of it goes (its tail already too long, too many errors), that dropped requests, is judged
// broken at once, so an overloaded target is not buried under a queue it cannot drain.
//
// After a step that broke the SLO, the target may still be working off the queue it built (a
// server finishes the requests a client gave up on). Judged at once, the next step would inherit
// that queue and break too. So the search first offers half the last good rate until one whole
// interval meets the SLO again, and only then starts the next step.
//
// A decision made at the end of interval k takes effect at the boundary after the next one
// (k + 2): the generator threads are already in interval k + 1 when it is made. So the search
// depends on the intervals alone, and replaying the timeline file gives the same steps (the run
// fold does exactly that, for `loadgate report`).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "harness/histogram.h"
#include "harness/interval_record.h"
#include "harness/rate_schedule.h"
#include "harness/results.h"
#include "reports/service_level.h"

namespace loadgate {

class RateSearch {
 public:
  struct Decision {
    Duration from{};             // offset from the run's start
    std::optional<double> rate;  // empty: the search is over, no arrival from `from` on
  };

  // `slo` must not be empty (the scenario refuses a search without one).
  RateSearch(const RateSearchSpec& spec, const std::map<std::string, std::string>& slo,
             Duration interval, Duration max_schedule_lag);

  // The workload's share of interval `index`, each interval in order from the first.
  std::optional<Decision> add(const WorkloadInterval& interval, uint64_t index);
  // The steps so far and the capacity they bracket (also while the search is under way).
  CapacitySearch result() const;
  // The search has decided its last step: later intervals change nothing.
  bool done() const { return done_; }

 private:
  static constexpr size_t kMaxSteps = 64;
  Decision next_step(uint64_t index, bool met);
  void finish(std::string why);
  void start_step(uint64_t first_interval, double rate);
  std::optional<Decision> recover(const WorkloadInterval& interval, uint64_t index);

  RateSearchSpec spec_;
  ServiceLevel slo_;
  Duration interval_;
  int64_t lag_limit_us_;
  uint64_t min_samples_;

  double rate_;
  uint64_t judged_from_ = 1;  // the first interval of the step that is judged
  Histogram latency_, lag_, best_case_;
  uint64_t successes_ = 0, errors_ = 0, attempts_ = 0, dropped_ = 0, intervals_ = 0;

  std::optional<size_t> good_, bad_;  // indices in steps_: the highest met, the lowest broken
  std::vector<CapacityStep> steps_;
  // After a broken step: the rate of the step to come once an interval meets the SLO again.
  std::optional<double> after_recovery_;
  uint64_t recovery_from_ = 0;  // the first interval at the recovery rate
  bool done_ = false;
  std::string why_done_;
};

}  // namespace loadgate
