#include "cli/metrics_options.h"

#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "session/run_plan.h"

namespace loadgate::cli {

std::function<bool()> add_metrics_options(CLI::App* command, MetricsArgs& args) {
  auto linger = std::make_shared<std::string>();
  command->add_option("--metrics", args.listen,
                      "serve live metrics in Prometheus's text format at http://HOST:PORT/metrics "
                      "while the load goes, e.g. 127.0.0.1:9464 (port 0: any free one); each run "
                      "has its own run_id label");
  command->add_option("--metrics-linger", *linger,
                      "after the last run, keep --metrics up until a scrape has read the final "
                      "counts, at most this long (default 15s, Prometheus's default scrape "
                      "interval)");
  return [linger, &args] {
    if (linger->empty()) return true;
    const auto parsed = parse_duration(*linger);
    if (!parsed || *parsed < Duration::zero()) {
      std::cerr << "loadgate: --metrics-linger " << *linger
                << ": not a duration (15s, 500ms, 1m)\n";
      return false;
    }
    args.linger = *parsed;
    return true;
  };
}

std::unique_ptr<PrometheusEndpoint> open_metrics(const MetricsArgs& args) {
  if (!args.listen) return nullptr;
  auto metrics = std::make_unique<PrometheusEndpoint>(*args.listen);
  std::cerr << fmt::format("loadgate: live metrics at {}\n", metrics->url());
  return metrics;
}

void begin_metrics_run(PrometheusEndpoint& metrics, const RunPlan& plan,
                       const std::string& run_id) {
  std::vector<std::string> workloads;
  for (const auto& w : plan.scenario.workloads) workloads.push_back(w.name);
  metrics.begin_run({run_id, plan.scenario.name, workloads, slo_latency_bounds(plan.scenario.slo)});
  std::cerr << fmt::format("loadgate: metrics of this run: run_id=\"{}\"\n", run_id);
}

void finish_metrics(PrometheusEndpoint* metrics, const MetricsArgs& args) {
  if (metrics && !metrics->await_final_scrape(args.linger))
    std::cerr << fmt::format(
        "loadgate: note: nothing scraped {} within {} of the run's end (--metrics-linger): "
        "Prometheus may lack the last interval\n",
        metrics->url(), format_duration(args.linger));
}

}  // namespace loadgate::cli
