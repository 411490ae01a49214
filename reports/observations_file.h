// observations.jsonl: the deployment observer's samples, one JSON object a line:
//   {"t": 12.0, "gauges": {"db.backend_connections": 50, "pgbouncer.cl_waiting": 0, ...}}
// Written at the end of the run beside timeline.jsonl; read back by `loadgate report`.
#pragma once

#include <filesystem>

#include "harness/results.h"

namespace loadgate {

// Throws std::runtime_error naming the file when it cannot be written.
void write_observations(const Observations& observations, const std::filesystem::path& file);
// Empty when the file does not exist (a run that observed nothing); throws naming the file and
// line when a line is not an observation.
Observations read_observations(const std::filesystem::path& file);

}  // namespace loadgate
