// observations.jsonl: the deployment observer's samples, one JSON object a line:
//   {"t": 12.0, "gauges": {"db.backend_connections": 50, "pgbouncer.cl_waiting": 0, ...}}
// Appended and flushed sample by sample, as timeline.jsonl is; read back by the fold.
#pragma once

#include <filesystem>
#include <functional>

#include "harness/interval_sink.h"
#include "reports/json_lines.h"

namespace loadgate {

class ObservationsFile : public IntervalSink {
 public:
  // Creates (truncates) the file; throws std::runtime_error naming it when it cannot.
  explicit ObservationsFile(const std::filesystem::path& file) : lines_(file) {}
  void write(const IntervalRecord&) override {}
  void observe(const ObservedSample& sample) override;

 private:
  JsonLinesWriter lines_;
};

// Calls `each` with every sample in order, one in memory at a time. Nothing when the file does
// not exist (a run that observed nothing); throws naming the file and line when a line is not an
// observation (a partial last line is left out, as for the timeline).
void read_observations(const std::filesystem::path& file,
                       const std::function<void(const ObservedSample&)>& each);

// A line of the file as a sample; throws nlohmann::json::exception when it is not one.
void sample_from_json(const nlohmann::json& line, ObservedSample& sample);

}  // namespace loadgate
