// JUnit XML for CI systems: one testcase per claim (broken: a failure; not measured: skipped,
// with why) and one per check the run makes of itself (no acknowledged write lost, every fault
// injected and recovered, the deployment healthy, the generator not the limit, and each SLO
// threshold of each workload).
#pragma once

#include <string>

#include "harness/results.h"

namespace loadgate {

std::string junit_xml(const RunResult& run);

}  // namespace loadgate
