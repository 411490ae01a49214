// A finished run read back from its directory: result.json (every total, with histograms) and
// timeline.jsonl (every interval), so `loadgate report` and `loadgate compare` render and judge
// exactly what the run itself would have.
#pragma once

#include <filesystem>

#include "harness/results.h"

namespace loadgate {

// Throws std::runtime_error naming the file (and the line, for the timeline) when a file is
// missing, is not JSON, has another schema, or lacks a field.
RunResult read_run(const std::filesystem::path& run_dir);

}  // namespace loadgate
