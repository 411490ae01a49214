// A run planned and checked before any load is sent: the scenario read, its target resolved,
// its workloads and faults built, its claims read and every claim's metric checked against
// what this run can measure (a misspelt one is an error naming its file and line, with a "did
// you mean", not a "not measured" after a ten-minute run). Nothing here talks to the target;
// RunSession does, before its first request.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "faults/fault_timeline.h"
#include "harness/scenario.h"
#include "observe/deployment_observer.h"
#include "observe/probes.h"
#include "reports/claims.h"
#include "session/run_target.h"
#include "workloads/workload_factory.h"

namespace loadgate {

struct PlanRequest {
  std::filesystem::path scenario;
  std::vector<std::string> overrides;         // --set path=value
  std::optional<std::string> testbed;         // this testbed instead of the scenario's target
  std::vector<std::filesystem::path> claims;  // beside the scenario's own claims:
  std::optional<std::filesystem::path> out;   // default: out/<name>-<UTC time>
  std::vector<std::string> allowed_hosts;     // --allow-target, beside the scenario's target.allow
  bool faults_confirmed = false;              // --confirm-faults (session/target_guard.h)
};

struct RunPlan {
  Scenario scenario;
  std::vector<std::string> overrides;  // as given, for the fault journal (faults/fault_journal.h)
  std::filesystem::path out;
  ResolvedTarget target;
  std::vector<BuiltWorkload> workloads;  // in the scenario's order
  std::vector<FaultTimeline::Entry> faults;
  std::optional<ObservedDeployment> observed;  // where to watch the deployment, if anywhere
  std::optional<ProbeSettings> probes;         // the scenario's steady-state probes
  std::vector<Claim> claims;
  // Claims that will be "not measured" because they name what the scenario does not run (a
  // claim pack's workload, a fault kind not injected), said before the run.
  std::vector<std::string> notes;
  // What the target guard found (session/target_guard.h): the allowed hosts beyond this machine
  // the run reaches, the faults that need a confirmation, and whether they have it (RunSession
  // refuses to start without it).
  std::vector<std::string> remote_hosts;
  std::vector<std::string> faults_to_confirm;
  bool faults_confirmed = false;

  bool sends_http() const;
};

// Throws ConfigError (a located one-line message) or std::runtime_error naming what is wrong.
RunPlan make_plan(const PlanRequest& request);

// What a run of `plan` lasting `length` is before anything is measured: its workloads, its
// phases (cut at `length`, each with the rate it offers), its SLO, interval, generator threshold
// and deployment. RunFold (reports/run_fold.h) adds the measurements to it.
RunResult planned_result(const RunPlan& plan, Duration length);

// Where results go when no --out is given: out/<name>-<UTC time>.
std::filesystem::path default_out(const std::string& name);

// What the run would do, with every fault's commands: `loadgate run --dry-run`.
void print_plan(const RunPlan& plan, std::ostream& out);

// What a claim may name in this plan (reports/claim_metrics.h).
MetricVocabulary metric_vocabulary(const RunPlan& plan);
// The same for a finished run, read back (`loadgate report --claims`).
MetricVocabulary metric_vocabulary(const RunResult& run);

}  // namespace loadgate
