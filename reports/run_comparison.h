// `loadgate compare BASELINE CURRENT`: each headline metric of two runs side by side, its change,
// and whether it regressed beyond a tolerance. Better-is-higher metrics (achieved rate) regress
// when they fall by more than the tolerance; better-is-lower ones (latency, downtime) when they
// rise by more than it and by more than a floor that keeps microsecond jitter from counting
// (1 ms for latency, 0.5 s for fault timings), a percentile only with 10 samples beyond it in
// each run (the maximum, one sample, never); a rate only at the same offered load; an error rate
// when it rises by more than half a percentage point; lost writes at any rise; a claim when it held
// and no longer does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/expectation.h"
#include "harness/results.h"

namespace loadgate {

struct MetricDelta {
  std::string metric;  // "validate.latency.p99", "fault.failover.downtime", "claim jwt-capacity"
  Quantity quantity = Quantity::count;
  std::optional<double> baseline, current;  // empty: not in that run
  std::string baseline_text, current_text;  // formatted (verdicts for claims)
  std::optional<double> change;             // relative (0.12 is +12 %), when both are numbers
  bool regressed = false;
  std::string note;  // why it was not judged: "under 200 samples", "the offered load differs"
};

struct RunComparison {
  std::string baseline_name, current_name;
  double tolerance = 0.10;
  std::vector<MetricDelta> rows;
  size_t regressions() const;
};

// Whether two runs of a workload offered the same load (open model: rates within 1 %; closed
// model: the same peak VUs): only then do their rates and latencies say something of the target.
bool same_offered_load(double rate_a, uint64_t vus_a, double rate_b, uint64_t vus_b);

RunComparison compare_runs(const RunResult& baseline, const RunResult& current, double tolerance);

std::string comparison_console(const RunComparison& comparison);
// A table that fits a pull-request comment, regressions first.
std::string comparison_markdown(const RunComparison& comparison);

}  // namespace loadgate
