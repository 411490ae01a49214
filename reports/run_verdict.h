// A run judged as a whole, its problems sorted by what they mean for an exit code. The release
// gate judges each of its repeats so, and the Phase 2 checklist each of its steps: one run, one
// reading, whichever command ran it.
#pragma once

#include <string>
#include <vector>

#include "harness/results.h"

namespace loadgate {

struct RunVerdict {
  std::vector<std::string> failures;      // exit 1: a claim broken, an SLO missed, a write lost
  std::vector<std::string> errors;        // exit 2: the run could not do or check what it planned
  std::vector<std::string> inconclusive;  // exit 3: generator-bound, a claim not measured

  // The gravest: 1, 2, 3, or 0 when there is nothing to say.
  int exit_code() const;
  // "ok", or the gravest kind with its problems: "FAIL: claim x broken (...); ...".
  std::string state() const;
};

// Lost or unverified writes, claims, the scenario's slo:, an early end, faults that failed or
// left the deployment unhealthy, and a generator that was the limit.
RunVerdict judge_run(const RunResult& run);

}  // namespace loadgate
