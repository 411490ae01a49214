// Runs built from intervals and folded as a session folds them, for tests of what is measured
// over stretches of a run (phases, fault windows, capacity windows).
#pragma once

#include <string>
#include <vector>

#include "harness/scenario.h"
#include "reports/run_fold.h"

namespace loadgate::test {

// Interval `index` (1 s long unless said) of `workload`: `successes` ok and `errors` timeouts,
// every success taking `latency_ms`.
inline IntervalRecord interval_of(uint64_t index, const std::string& workload, uint64_t successes,
                                  uint64_t errors, double latency_ms,
                                  const std::string& phase = "main",
                                  Duration length = std::chrono::seconds(1)) {
  IntervalRecord interval;
  interval.index = index;
  interval.end = static_cast<int64_t>(index + 1) * length;
  interval.length = length;
  interval.phase = phase;
  WorkloadInterval w;
  w.name = workload;
  w.ok = successes;
  if (errors) w.errors["timeout"] = errors;
  w.latency.record(static_cast<int64_t>(latency_ms * 1000), successes);
  interval.workloads.push_back(std::move(w));
  return interval;
}

// A run planned with these workloads (open model, `offered` each) and phases.
inline RunResult planned_run(const std::vector<std::string>& workloads, std::vector<Phase> phases,
                             double offered = 0) {
  RunResult run;
  run.interval = std::chrono::seconds(1);
  run.planned_duration = phases.back().start + phases.back().duration;
  run.generator.schedule_lag_threshold_us = 10'000;
  for (const auto& name : workloads) {
    WorkloadResult w;
    w.name = name;
    w.offered_rate = offered;
    run.workloads.push_back(w);
  }
  for (const auto& phase : phases)
    run.phases.push_back({phase.name, phase.start, phase.duration, phase.recorded, run.workloads});
  return run;
}

inline void fold(RunResult& run, const std::vector<IntervalRecord>& intervals,
                 const std::vector<ObservedSample>& samples = {}, FoldRequest request = {}) {
  RunFold folding(run, std::move(request));
  for (const auto& interval : intervals) folding.add(interval);
  for (const auto& sample : samples) folding.add(sample);
  folding.finish();
}

}  // namespace loadgate::test
