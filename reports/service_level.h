// The scenario's SLO (`slo:` → RunResult::slo) checked against a workload: over the whole run
// for a throughput claim, and interval by interval for the capacity search, which finds the
// highest rate the target sustained while meeting it (wrk2 and k6 leave that search to you).
#pragma once

#include <optional>
#include <string>

#include "harness/results.h"

namespace loadgate {

// The first SLO term the workload's totals break ("p95 450ms breaks latency.p95 < 200ms"), or
// nothing when all are met. Throws std::invalid_argument for a term that does not parse.
std::optional<std::string> slo_breach(const WorkloadResult& workload,
                                      const std::map<std::string, std::string>& slo);

struct CapacitySearch {
  std::optional<double> capacity;  // successes/s over the best sustained window; empty: none met
  double highest_rate = 0;         // the highest rate any sustained window reached, SLO or not
  bool slo_broken = false;         // some interval with load broke the SLO: the ceiling was found
  std::string evidence;            // "5 intervals from 41s, p95 120ms"
  std::string why;                 // when nothing could be searched
};

// Over the recorded intervals of `workload`: a window is `window` consecutive intervals that
// all met the SLO (and dropped nothing); its rate is its successes over its length.
CapacitySearch search_capacity(const RunResult& run, const std::string& workload,
                               Duration window = std::chrono::seconds(5));

}  // namespace loadgate
