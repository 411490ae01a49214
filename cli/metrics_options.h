// `--metrics HOST:PORT` and `--metrics-linger` for every command that runs load (run, soak, gate,
// phase2): one Prometheus endpoint for the whole command, each run's series under its own
// run_id (a gate's repeats, a checklist's steps), up until a scrape has read the last figures.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "harness/units.h"
#include "reports/prometheus_endpoint.h"

namespace CLI {
class App;
}

namespace loadgate {
struct RunPlan;
}

namespace loadgate::cli {

struct MetricsArgs {
  std::optional<std::string> listen;           // host:port; none: no endpoint
  Duration linger = std::chrono::seconds(15);  // for the scrape that reads the end
};

// Adds --metrics and --metrics-linger; the returned check parses the linger once the command's
// options are read and returns false (the reason printed) when it is malformed.
std::function<bool()> add_metrics_options(CLI::App* command, MetricsArgs& args);

// Listening before any load (a taken port costs nothing): the endpoint, or none without
// --metrics. Throws std::runtime_error naming the address when it cannot listen.
std::unique_ptr<PrometheusEndpoint> open_metrics(const MetricsArgs& args);

// The series of a run about to start: labelled with `run_id`, the plan's scenario, workloads and
// SLO bounds.
void begin_metrics_run(PrometheusEndpoint& metrics, const RunPlan& plan, const std::string& run_id);

// After the last run: waits (at most --metrics-linger) for a scrape of the final figures and
// prints a note when none came.
void finish_metrics(PrometheusEndpoint* metrics, const MetricsArgs& args);

}  // namespace loadgate::cli
