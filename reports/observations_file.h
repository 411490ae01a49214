// observations.jsonl: the deployment observer's samples, one JSON object a line:
//   {"t": 12.0, "gauges": {"db.backend_connections": 50, "pgbouncer.cl_waiting": 0, ...}}
// Appended and flushed sample by sample, as timeline.jsonl is; read back by `loadgate report`.
#pragma once

#include <filesystem>

#include "harness/results.h"
#include "reports/json_lines.h"

namespace loadgate {

class ObservationsWriter {
 public:
  // Creates (truncates) the file; throws std::runtime_error naming it when it cannot.
  explicit ObservationsWriter(const std::filesystem::path& file) : lines_(file) {}
  // From one thread at a time (the observer's).
  void write(const ObservedSample& sample);

 private:
  JsonLinesWriter lines_;
};
// Empty when the file does not exist (a run that observed nothing); throws naming the file and
// line when a line is not an observation (a partial last line is left out, as for the timeline).
Observations read_observations(const std::filesystem::path& file);

}  // namespace loadgate
