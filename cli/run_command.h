// `loadgate run SCENARIO`: load and check the scenario, resolve its target, drive the load,
// print the summary and write result.json.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/history_command.h"
#include "cli/metrics_options.h"
#include "cli/target_options.h"
#include "harness/units.h"

namespace CLI {
class App;
}

namespace loadgate {
struct RunPlan;
struct RunResult;
}  // namespace loadgate

namespace loadgate::cli {

struct RunArgs {
  std::filesystem::path scenario;
  std::optional<std::filesystem::path> out;  // default: out/<name>-<UTC timestamp>
  std::optional<std::string> testbed;        // overrides the scenario's target
  std::vector<std::string> overrides;        // --set path=value
  bool dry_run = false;  // check everything, print the plan (and fault commands), send nothing
  std::vector<std::filesystem::path> claims;  // --claims, beside the scenario's own
  bool gate = false;                          // a claim not measured fails the run too
  MetricsArgs metrics;                        // --metrics, --metrics-linger
  HistoryArgs history;                        // --history, --label
  TargetArgs target;                          // --allow-target, --confirm-faults
};

// What a command built on `run` adds between the session's end and the summary and report
// files (the soak's windows): true when that makes the run fail (exit 1).
using AfterRun = std::function<bool(const RunPlan&, RunResult&)>;

// The options `run` and the commands built on it share (scenario, --out, --testbed, --set,
// --claims, --gate, --metrics, --metrics-linger, --history, --label, --allow-target,
// --confirm-faults), parsed into `args` when `sub`
// runs; `checked` then returns false (with the reason printed) when a value is malformed.
std::function<bool()> add_run_options(CLI::App* sub, RunArgs& args);

// Exit codes: 0 the run completed (every claim held), 1 an acknowledged write was lost or a claim
// was broken (or, with --gate, not measured), 2 it could not run (bad input, unreachable target,
// a fault that failed or left the deployment unhealthy), 130 interrupted by SIGINT/SIGTERM
// (results so far are still written).
int run(const RunArgs& args, const AfterRun& after = {});

// `loadgate run`.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
