// The exit code a run's verdicts call for, shared by `run` and `report` so both judge alike.
#pragma once

#include <iosfwd>

#include "harness/results.h"

namespace loadgate::cli {

// 1 when an acknowledged write was lost or a claim was broken (with `gate`, also when one was
// not measured), else 0; each failure is named on `err`.
int verdict_exit_code(const RunResult& run, bool gate, std::ostream& err);

}  // namespace loadgate::cli
