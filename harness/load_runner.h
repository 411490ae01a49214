// The run loop: drives every workload of a scenario, open or closed model, on `threads`
// generator threads, each with its own io_context, connections and recorders (no lock on the
// per-request path). Each thread hands over its interval's numbers once per interval; the
// calling thread merges them into the timeline and, at the end, into the results.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "harness/http_types.h"
#include "harness/recovery_units.h"
#include "harness/results.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace loadgate {

struct WorkloadRun {
  std::string name;
  std::string kind;
  const Workload* workload = nullptr;  // an HTTP workload, or (workload null)
  ExecutorSpec executor;
  BlockingWorkload* blocking = nullptr;  // one whose calls block (run on threads of their own)
  // Closed model: each virtual user's outcomes, for the check that each came back after a fault.
  std::shared_ptr<RecoveryUnits> vus = nullptr;
};

struct RunOptions {
  std::vector<Phase> phases;
  ClientSpec client;
  std::vector<Endpoint> endpoints;  // used round-robin by new connections
  Duration interval = std::chrono::seconds(1);
  Duration drain_timeout = std::chrono::seconds(5);
  const std::atomic<bool>* stop_requested = nullptr;  // set by a signal handler: stop issuing
  // Called on the calling thread once per interval, in order, as the run goes.
  std::function<void(const IntervalSample&)> on_interval;
  // Called once before any request, with the instant the run's offsets count from (so a fault
  // timeline can share it).
  std::function<void(Clock::time_point start)> on_start;
};

RunResult run_load(const std::vector<WorkloadRun>& workloads, const RunOptions& options);

}  // namespace loadgate
