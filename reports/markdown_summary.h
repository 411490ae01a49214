// A short Markdown summary that fits a pull-request comment: the claims with their verdicts,
// each workload's headline numbers, each fault's worst downtime, lost writes.
#pragma once

#include <filesystem>
#include <string>

#include "harness/results.h"

namespace loadgate {

std::string markdown_summary(const RunResult& run);
// Throws std::runtime_error naming the file when it cannot be written.
void write_markdown_summary(const RunResult& run, const std::filesystem::path& file);

}  // namespace loadgate
