// The run loop: drives every workload of a scenario, open or closed model, on `threads`
// generator threads, each with its own io_context, connections and recorders (no lock on the
// per-request path). Each thread hands over its interval's numbers once per interval; the
// calling thread merges them into one IntervalRecord and hands it on (on_interval). Nothing
// is kept: what a run measured is the sum of its intervals (reports/run_fold.h).
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/http_types.h"
#include "harness/interval_record.h"
#include "harness/recovery_units.h"
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
  // capacity-search: the rate as the search decides it (else executor.profile's).
  std::shared_ptr<RateSchedule> schedule = nullptr;
};

struct RunOptions {
  std::vector<Phase> phases;
  ClientSpec client;
  std::vector<Endpoint> endpoints;  // used round-robin by new connections
  Duration interval = std::chrono::seconds(1);
  Duration drain_timeout = std::chrono::seconds(5);
  std::stop_token stop;  // once requested, no new request starts; those in flight drain
  // Called on the calling thread once per interval, in order, as the run goes. The record is
  // reused for the next interval: copy what must outlive the call.
  std::function<void(const IntervalRecord&)> on_interval;
  // Called once before any request, with the instant the run's offsets count from (so a fault
  // timeline can share it).
  std::function<void(Clock::time_point start)> on_start;
};

// What the run loop knows of the run beyond its intervals.
struct LoadRun {
  WallClock::time_point started_at;
  Duration elapsed{};    // from the first intended start to the last response
  bool stopped = false;  // options.stop was requested before the planned end
  unsigned threads = 1;
};

LoadRun run_load(const std::vector<WorkloadRun>& workloads, const RunOptions& options);

}  // namespace loadgate
