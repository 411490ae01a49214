// timeline.jsonl: one JSON object per interval, appended and flushed as the run goes, so a
// crash loses at most the interval in progress and a soak's memory does not grow with its length.
//
//   {"i": 3, "t": 4.0, "length": 1.0, "phase": "steady", "generator_cpu": 0.21, "workloads":
//   [{"name": "validate",
//    "attempts": 500, "ok": 500, "expected_failures": 0, "errors": {}, "dropped": 0,
//    "in_flight": 1, "vus": 0, "latency_us": {"p50":..,"p90":..,"p95":..,"p99":..,"p99_9":..,
//    "max":..}, "schedule_lag_us": {"p99":..,"max":..}}]}
#pragma once

#include <filesystem>

#include "harness/results.h"
#include "reports/json_lines.h"

namespace loadgate {

class TimelineWriter {
 public:
  // Creates the directory; throws std::runtime_error naming the file when it cannot be opened.
  explicit TimelineWriter(const std::filesystem::path& file) : lines_(file) {}
  void write(const TimelinePoint& point);
  const std::filesystem::path& file() const { return lines_.file(); }

 private:
  JsonLinesWriter lines_;
};

}  // namespace loadgate
