// The summary printed at the end of a run: one row per workload, then errors by class.
#pragma once

#include <iosfwd>
#include <string>

#include "harness/results.h"

namespace loadgate {

void print_summary(const RunResult& result, std::ostream& out);

// Achieved request rate: attempts over the time from the first intended start to the last
// response. The one definition every report uses.
double achieved_rate(const WorkloadResult& workload, const RunResult& run);

}  // namespace loadgate
