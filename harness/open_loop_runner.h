// The run loop: drives every workload open-loop at its rate, on `threads` generator threads,
// each with its own io_context, connections and results (no lock on the per-request path),
// merged once at the end.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "harness/http_types.h"
#include "harness/results.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace loadgate {

struct WorkloadRun {
  std::string name;
  std::string kind;
  const Workload* workload = nullptr;
  double rate_per_second = 0;
};

struct RunOptions {
  Duration duration{};
  ClientSpec client;
  std::vector<Endpoint> endpoints;  // used round-robin by new connections
  Duration drain_timeout = std::chrono::seconds(5);
  const std::atomic<bool>* stop_requested = nullptr;  // set by a signal handler: stop issuing
};

RunResult run_open_loop(const std::vector<WorkloadRun>& workloads, const RunOptions& options);

}  // namespace loadgate
