// Reconnection verification: what each fault did to each workload, read from the run's timeline.
// Per fault window (from an injection to the next one, or the run's end) and per workload: time
// to the first error, downtime (the longest stretch without a success; intervals in which the
// workload sent nothing, a pause in its load, count neither way), time to the first
// success and to recovery (back to 95 % of the pre-fault rate for good), and errors by class.
// The resolution is the timeline's interval: scenarios with faults set client.interval low.
#pragma once

#include <vector>

#include "harness/results.h"

namespace loadgate {

// Where the window of events[e] ends: when the next injected fault starts, or at `run_end`. A
// fault acts from the moment its injection starts (a graceful shutdown pauses clients while it
// drains), so windows are bounded by injection starts.
Duration fault_window_end(const std::vector<FaultEvent>& events, size_t e, Duration run_end);

class FaultImpactAnalysis {
 public:
  // Keeps what the analysis needs from each interval (counts, not histograms).
  void add(const IntervalSample& sample);
  // Fills each event's impacts; `run_end` closes the last window.
  void analyse(std::vector<FaultEvent>& events, Duration run_end) const;

 private:
  struct Counts {
    Duration end{}, length{};
    std::vector<std::string> names;
    std::vector<uint64_t> successes;
    std::vector<ErrorCounts> errors;
    std::vector<bool> idle;  // nothing sent, nothing in flight: the load paused
  };
  FaultImpact impact_of(size_t workload, Duration injected, Duration window_end) const;
  std::vector<Counts> intervals_;
};

}  // namespace loadgate
