// Reconnection verification: what one fault did to one workload, read interval by interval
// from the timeline as the fold passes (so at its resolution, client.interval, and in constant
// memory however long the run). Over the fault's window (harness/results.h FaultWindow: from its
// injection to the next injected fault, or the run's end): time to the first error, downtime
// (the longest stretch without a success; intervals in which the workload sent nothing, a
// pause in its load, count neither way), time to the first success and to recovery (back to
// 95 % of the pre-fault rate for good), and errors by class. Scenarios with faults set
// client.interval low.
#pragma once

#include <optional>
#include <string>

#include "harness/interval_record.h"
#include "harness/results.h"

namespace loadgate {

// Names a workload that never came back after `event`: "items after the failover at 2m".
std::string never_recovered_after(const std::string& workload, const FaultEvent& event);

class FaultImpactTracker {
 public:
  // Follows workload number `workload` (its place in each interval) through `window`.
  FaultImpactTracker(size_t workload, const FaultWindow& window);
  // What an interval was to the workload: outside the window, bad (errors, or successes below
  // the baseline), or not bad (back, or sending nothing).
  enum class Seen { outside, bad, fine };
  // Every interval of the run, in order (those outside the baseline and the window are ignored).
  Seen add(const IntervalRecord& interval);
  FaultImpact impact() const;

 private:
  // Whether an interval that sent something is below the baseline (or failed outright).
  bool bad(uint64_t successes, uint64_t errors, Duration length) const;

  size_t workload_;
  FaultWindow window_;
  std::string name_;
  uint64_t baseline_successes_ = 0;
  Duration baseline_length_{};
  FaultImpact impact_;
  Duration stretch_{};                      // the current run of intervals without a success
  std::optional<Duration> first_bad_end_;   // the end of the first bad interval
  bool after_first_bad_ = false;            // the window has had a bad interval
  bool outage_seen_ = false;                // an interval since then had no success at all
  std::optional<Duration> after_last_bad_;  // the end of the interval after the latest bad one
  bool last_was_bad_ = false;
  ErrorCounts errors_until_last_bad_, errors_since_;
};

}  // namespace loadgate
