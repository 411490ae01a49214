// Result = fold(intervals): a run's results added up from its interval records and observer
// samples, in one pass and in memory that does not grow with the run's length. Every windowed
// number comes from here, from merged interval histograms: phases and the recorded totals,
// each phase's and fault window's generator check, each fault's impact on each workload, the
// connections around each fault, the fault window scopes and capacity searches that claims ask
// for, and the charts. `loadgate run` folds the files it has just written and `loadgate report`
// the same files again: one code path, so their numbers agree to the byte.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/interval_record.h"
#include "harness/results.h"

namespace loadgate {

// What claims need beyond what every run gets (reports/claims.h: fold_request_for()).
struct FoldRequest {
  std::vector<FaultWindowScope> windows;
  std::vector<std::string> capacity;  // workloads whose capacity is searched
};

class RunFold {
 public:
  // `run` holds the plan and what happened outside the intervals: phases (name, start,
  // duration, recorded, and each workload's name, kind, executor and offered rate), workloads
  // (name, kind, executor), faults, slo, planned_duration, interval, and
  // generator.schedule_lag_threshold_us. finish() fills the rest; `run` must outlive the fold.
  RunFold(RunResult& run, FoldRequest request);
  ~RunFold();
  // Every interval, in order.
  void add(const IntervalRecord& interval);
  // Every observer sample, in order (before, after or between the intervals).
  void add(const ObservedSample& sample);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Folds a run directory's timeline.jsonl and observations.jsonl into `run` (see RunFold).
// Throws std::runtime_error naming the file (and line) that cannot be read.
void fold_run_files(RunResult& run, const std::filesystem::path& dir, FoldRequest request);

}  // namespace loadgate
