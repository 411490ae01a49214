// The unit of record and exchange: what every workload measured in one interval of the run
// (client.interval), from every generator thread. The timeline is a sequence of these, each
// with its histograms whole, so any stretch of the run (a phase, a fault window, a capacity
// step, a shard's share) is measured by adding intervals, exactly, never by combining
// percentiles. Plain data, no I/O: sinks write it (harness/interval_sink.h), the fold adds it up
// (reports/run_fold.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/error_class.h"
#include "harness/histogram.h"
#include "harness/units.h"

namespace loadgate {

// One workload in one interval: the requests that completed within it (a request belongs to
// the interval in which it ended; its latency still counts from its intended start).
struct WorkloadInterval {
  std::string name;
  uint64_t scheduled = 0;  // open model: arrivals due in the interval (dropped ⊂ scheduled)
  uint64_t dropped = 0;    // due but not sent: max_in_flight was reached
  uint64_t ok = 0;
  uint64_t expected_failures = 0;
  ErrorCounts errors;       // attempts = ok + expected_failures + errors
  uint64_t in_flight = 0;   // requests out at the interval's end (a gauge)
  uint64_t vus = 0;         // closed model: VUs running at the interval's end (a gauge)
  Histogram latency;        // µs from the intended start to the response (ok + expected)
  Histogram service_time;   // µs from the send to the response (ok + expected)
  Histogram error_latency;  // µs from the intended start to the failure (errors only)
  Histogram schedule_lag;   // µs by which requests started late (open model)

  uint64_t error_count() const;
  uint64_t attempts() const { return ok + expected_failures + error_count(); }
  // Adds another thread's share of the same interval (gauges add too: the shares are disjoint).
  void merge(const WorkloadInterval& other);
  // Empties it for the next interval, keeping the name and the histograms' memory.
  void reset();
};

struct IntervalRecord {
  uint64_t index = 0;
  Duration end{};            // offset of the interval's end from the run's start
  Duration length{};         // client.interval
  std::string phase;         // the phase the interval's start falls in
  double generator_cpu = 0;  // the busiest generator thread's CPU in the interval, 0..1
  std::vector<WorkloadInterval> workloads;  // in the plan's order
};

}  // namespace loadgate
