// A finished run read back from its directory: from result.json what happened outside the
// intervals (the plan, the faults and their follow-ups, the ledgers, the verdicts), then the
// fold of timeline.jsonl and observations.jsonl for every number counted, exactly as the run
// itself folded them. So `loadgate report` and `loadgate compare` render and judge what the run
// would have, and a claims file written later can ask for windows the run did not fold.
#pragma once

#include <filesystem>

#include "harness/results.h"
#include "reports/run_fold.h"

namespace loadgate {

// Throws std::runtime_error naming the file (and the line, for the timeline) when a file is
// missing, is not JSON, has another schema, or lacks a field.
RunResult read_run(const std::filesystem::path& run_dir, const FoldRequest& request = {});

}  // namespace loadgate
