#include "cli/run_command.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "cli/signal_stop.h"
#include "cli/verdict_exit.h"
#include "reports/console_summary.h"
#include "reports/progress_line.h"
#include "reports/prometheus_endpoint.h"
#include "reports/report_formats.h"
#include "session/run_session.h"

namespace loadgate::cli {

int run(const RunArgs& args) {
  RunPlan plan;
  try {
    plan = make_plan({args.scenario, args.overrides, args.testbed, args.claims, args.out});
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  if (args.dry_run) {
    print_plan(plan, std::cout);
    return 0;
  }
  for (const auto& note : plan.notes) std::cerr << "loadgate: note: " << note << "\n";
  // Listening before any load, so a taken port costs nothing.
  std::unique_ptr<PrometheusEndpoint> metrics;
  if (args.metrics) try {
      std::vector<std::string> workloads;
      for (const auto& w : plan.scenario.workloads) workloads.push_back(w.name);
      const std::string run_id = plan.out.filename().string();
      metrics = std::make_unique<PrometheusEndpoint>(
          PrometheusEndpoint::Options{*args.metrics, run_id, plan.scenario.name, workloads,
                                      slo_latency_bounds(plan.scenario.slo)});
      std::cerr << fmt::format("loadgate: live metrics at {} (run_id {})\n", metrics->url(),
                               run_id);
    } catch (const std::exception& e) {
      std::cerr << "loadgate: " << e.what() << "\n";
      return 2;
    }
  RunResult result;
  {
    SignalStop signals;  // before the session's threads, which inherit its signal mask
    ProgressLine progress(plan.scenario.duration);
    std::vector<IntervalSink*> sinks{&progress};
    if (metrics) sinks.push_back(metrics.get());
    RunSession session(plan, sinks);
    try {
      session.prepare();
    } catch (const std::exception& e) {  // nothing was sent
      std::cerr << "loadgate: " << e.what() << "\n";
      return 2;
    }
    if (signals.token().stop_requested()) {  // Ctrl-C while the target was being checked
      std::cerr << "loadgate: interrupted before the run started; nothing was sent\n";
      return 130;
    }
    std::cerr << fmt::format("loadgate: running {} for {} against {} target(s); results in {}\n",
                             plan.scenario.name, format_duration(plan.scenario.duration),
                             plan.target.endpoints.size(), plan.out.string());
    result = session.run(signals.token());
  }
  print_summary(result, std::cout, isatty(STDOUT_FILENO));
  bool failed = false;
  try {
    write_report_files(result, plan.out);
    std::cout << fmt::format("results: {}\n", (plan.out / "result.json").string());
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    failed = true;
  }
  // Every problem is printed; the exit code is the gravest: a lost write (1) outranks an
  // interruption (130), which outranks a run that could not do or check what it planned (2).
  if (!result.stopped_by.empty()) {
    std::cerr << fmt::format("loadgate: the run ended early: {}\n", result.stopped_by);
    failed = true;
  }
  for (const auto& ledger : result.ledgers)
    if (!ledger.verified) {
      std::cerr << fmt::format("loadgate: the writes of {} could not be read back: {}\n",
                               ledger.workload, ledger.verify_error);
      failed = true;
    }
  for (const auto& fault : result.faults)
    if (!fault.error.empty()) {
      // The run did not do what the scenario planned, or left the deployment broken.
      std::cerr << fmt::format("loadgate: fault {}: {}\n", fault.description, fault.error);
      failed = true;
    }
  if (!result.health_problems.empty()) {
    std::cerr << "loadgate: the deployment is NOT HEALTHY after the run\n";
    failed = true;
  }
  if (metrics && !metrics->await_final_scrape(args.metrics_linger))
    std::cerr << fmt::format(
        "loadgate: note: nothing scraped {} within {} of the run's end (--metrics-linger): "
        "Prometheus may lack the last interval\n",
        metrics->url(), format_duration(args.metrics_linger));
  const int verdicts = verdict_exit_code(result, args.gate, std::cerr);
  return verdicts ? verdicts : result.interrupted ? 130 : failed ? 2 : 0;
}

}  // namespace loadgate::cli
