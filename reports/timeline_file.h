// timeline.jsonl: the run's record, one interval a line, appended and flushed as the run goes
// (a crash loses at most the interval in progress). Each line carries every workload's counts,
// a few percentiles for people and jq, and its four histograms whole in HdrHistogram's
// compressed encoding, so the fold (reports/run_fold.h) can add any stretch of intervals up
// exactly, from the file alone (result.json's schema, loadgate.result/4, names this format):
//
//   {"i": 3, "t": 1.0, "length": 0.25, "phase": "steady", "generator_cpu": 0.21,
//    "workloads": [{"name": "validate", "scheduled": 125, "attempts": 125, "ok": 125,
//      "expected_failures": 0, "errors": {}, "dropped": 0, "in_flight": 1, "vus": 0,
//      "latency_us": {"p50", "p90", "p95", "p99", "p99_9", "max"},
//      "schedule_lag_us": {"p99", "max"},
//      "histograms": {"latency": {"count", "min", "max", "sum", "out_of_range", "hdr"},
//                     "service_time": {...}, "error_latency": {...}, "schedule_lag": {...}}}]}
//
// An empty histogram is left out of "histograms".
#pragma once

#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "harness/interval_sink.h"
#include "reports/json_lines.h"

namespace loadgate {

nlohmann::json interval_to_json(const IntervalRecord& interval);
// Into `interval`, reusing its memory. Throws std::invalid_argument or nlohmann's errors.
void interval_from_json(const nlohmann::json& line, IntervalRecord& interval);

class TimelineFile : public IntervalSink {
 public:
  // Creates the file; throws std::runtime_error naming it.
  explicit TimelineFile(const std::filesystem::path& file) : lines_(file) {}
  void write(const IntervalRecord& interval) override { lines_.write(interval_to_json(interval)); }

 private:
  JsonLinesWriter lines_;
};

// Calls `each` with every interval of the file in order, one in memory at a time (the record is
// reused between calls). Throws std::runtime_error naming file:line for a line that is not an
// interval (one without histograms was written by an older loadgate), or the file when it is
// missing.
void read_timeline(const std::filesystem::path& file,
                   const std::function<void(const IntervalRecord&)>& each);

}  // namespace loadgate
