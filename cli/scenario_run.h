// One scenario run as `loadgate run` does it, its report files written into the plan's out: for
// the commands that run several (the gate's repeats, the checklist's steps).
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/results.h"
#include "reports/prometheus_endpoint.h"
#include "session/run_plan.h"

namespace loadgate::cli {

// Nothing when it could not start (bad plan, unreachable target: why is added to `errors`). A
// report file that cannot be written is an error beside a result still returned and judged.
// With `metrics`, the run's intervals are served there under `run_id`.
std::optional<RunResult> run_scenario(const PlanRequest& request, std::stop_token stop,
                                      std::vector<std::string>& errors,
                                      PrometheusEndpoint* metrics = nullptr,
                                      const std::string& run_id = "");

// A run's id on --metrics when a command runs several into `out`: "<out's name>/<dir under out>"
// (gate/repeat-2, phase2/1-failover/1-failover).
std::string run_id_under(const std::filesystem::path& out, const std::filesystem::path& dir);

// Appends `markdown` to $GITHUB_STEP_SUMMARY, when set (GitHub Actions shows it on the run's
// page); throws std::runtime_error naming the file when it cannot.
void append_step_summary(const std::string& markdown);

}  // namespace loadgate::cli
