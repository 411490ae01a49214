// What a run measured: plain data, no I/O. Report formats in reports/ read these.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/histogram.h"
#include "harness/units.h"

namespace loadgate {

struct WorkloadResult {
  std::string name;
  std::string kind;
  double offered_rate = 0;         // requests per second the schedule asked for
  uint64_t scheduled = 0;          // arrivals the schedule held for the run (or until stopped)
  uint64_t dropped = 0;            // scheduled but not sent: max_in_flight was reached
  uint64_t ok = 0;                 // response judged right
  uint64_t expected_failures = 0;  // a failure the workload asked for (e.g. 401 for a bad token)
  std::map<std::string, uint64_t> errors;  // by class; attempts = ok + expected + errors
  Histogram latency;       // µs from the intended start to the end of the response (ok + expected)
  Histogram service_time;  // µs from the actual send to the end of the response (ok + expected)
  Histogram schedule_lag;  // µs by which the generator started requests late

  uint64_t error_count() const;
  uint64_t attempts() const { return ok + expected_failures + error_count(); }
  void merge(const WorkloadResult& other);
};

struct RunResult {
  std::string scenario;
  std::vector<std::string> targets;
  WallClock::time_point started_at;
  Duration planned_duration{};
  Duration elapsed{};        // from the first intended start to the last response
  bool interrupted = false;  // stopped early by SIGINT/SIGTERM
  std::vector<WorkloadResult> workloads;
};

}  // namespace loadgate
