// One run of a plan, as a library: `loadgate run` is a thin caller of this, and so will be the
// release gate (several sessions), the soak (one long one) and a sharded agent.
//
//   RunPlan plan = make_plan({.scenario = "scenarios/demo.yaml"});
//   ProgressLine progress(plan.scenario.duration);
//   RunResult result = RunSession(plan, {&progress}).run(stop_source.get_token());
//
// A session streams every interval and observer sample to the run's own files in plan.out
// (timeline.jsonl, observations.jsonl, hdr/<workload>.hlog, ledgers/<workload>.writes) and to
// the sinks it is given, keeps nothing that grows with the run's length, and returns the
// result folded from those files (reports/run_fold.h) with the plan's claims judged. A stop
// request (Ctrl-C reaches it through the stop token), a failed write (a full disk) or the
// planned end all end the run the same way: no new request starts, those in flight drain,
// every injected fault is recovered, the ledgers are read back, and what was measured is kept.
#pragma once

#include <memory>
#include <stop_token>
#include <vector>

#include "harness/interval_sink.h"
#include "harness/load_runner.h"
#include "harness/results.h"
#include "session/run_plan.h"

namespace loadgate {

class FaultJournal;
class ProbeSampler;
class TlsContext;

class RunSession {
 public:
  // `sinks` (not owned) get every interval and sample beside the run's own files.
  explicit RunSession(RunPlan& plan, std::vector<IntervalSink*> sinks = {});
  ~RunSession();

  // Checks what only reaching out can (the target answers, the observer connects, file
  // descriptors suffice), prepares the workloads and creates the run's files. Throws
  // std::runtime_error naming what failed; nothing has been sent. run() calls it if need be.
  void prepare();
  // Runs the plan once. Once load has started it does not throw: what went wrong is in the
  // result (stopped_by, faults' errors, ledgers' verify_error, health_problems).
  RunResult run(std::stop_token stop);

 private:
  // The probes' part of the result: each fault window's layers, and the health check after it.
  void check_probes(ProbeSampler& probes, RunResult& result) const;

  RunPlan& plan_;
  std::vector<IntervalSink*> sinks_;
  bool prepared_ = false, ran_ = false;
  std::vector<WorkloadRun> runs_;
  std::vector<std::unique_ptr<IntervalSink>> files_;  // timeline, HdrHistogram logs, observations
  std::unique_ptr<FaultJournal> journal_;             // OUT/faults.journal, when there are faults
  std::unique_ptr<TlsContext> probe_tls_;             // for https probes
  std::vector<ProbeInfo> probe_infos_;                // with each pgbouncer's server_login_retry
};

}  // namespace loadgate
