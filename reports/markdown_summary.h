// A short Markdown summary that fits a pull-request comment: the claims with their verdicts,
// each workload's headline numbers, each fault's worst downtime, lost writes.
#pragma once

#include <string>

#include "harness/results.h"

namespace loadgate {

std::string markdown_summary(const RunResult& run);

}  // namespace loadgate
