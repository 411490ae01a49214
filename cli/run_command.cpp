#include "cli/run_command.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/signal_stop.h"
#include "cli/verdict_exit.h"
#include "reports/console_summary.h"
#include "reports/progress_line.h"
#include "reports/report_formats.h"
#include "session/run_session.h"

namespace loadgate::cli {
namespace {

// The options given as text, turned into RunArgs' types once parsed.
struct OptionText {
  std::string out, testbed;
};

}  // namespace

std::function<bool()> add_run_options(CLI::App* sub, RunArgs& args) {
  auto text = std::make_shared<OptionText>();
  sub->add_option("scenario", args.scenario, "scenario file, e.g. scenarios/demo.yaml")->required();
  sub->add_option("--out", text->out, "results directory (default: out/<scenario>-<UTC time>)");
  sub->add_option("--testbed", text->testbed,
                  "target this testbed directory instead of the scenario's target");
  sub->add_option("--set", args.overrides,
                  "override a scenario value, e.g. --set workloads.validate.executor.rate=50/s "
                  "(repeatable; checked like the file)");
  sub->add_option("--claims", args.claims,
                  "a claims file to judge the run by (repeatable; adds to the scenario's claims:)");
  sub->add_flag("--gate", args.gate,
                "a release gate: a claim that could not be measured fails the run (exit 1)");
  auto metrics_checked = add_metrics_options(sub, args.metrics);
  add_history_options(sub, args.history);
  add_target_options(sub, args.target);
  return [text, &args, metrics_checked] {
    if (!text->out.empty()) args.out = text->out;
    if (!text->testbed.empty()) args.testbed = text->testbed;
    return metrics_checked();
  };
}

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* run_cmd = app.add_subcommand("run", "run a scenario (YAML) and write its results");
  auto checked = add_run_options(run_cmd, *args);
  run_cmd->add_flag("--dry-run", args->dry_run,
                    "check the scenario and print what would run (fault commands included); send "
                    "nothing");
  run_cmd->footer(
      "Ready scenarios: scenarios/{demo,jwt,login,api,sql,mix,login-then-use,capacity-login}.yaml\n"
      "and "
      "scenarios/faults/*.yaml; every key is described in the README (Scenarios, Faults).\n"
      "Claims are checked before the run: a misspelt metric, phase or fault kind is an error\n"
      "naming its line. Ctrl-C ends the run cleanly (faults recovered, results written).\n"
      "Results: OUT/result.json, timeline.jsonl (every interval, with its histograms),\n"
      "observations.jsonl, junit.xml, summary.md, report.html, hdr/<workload>.hlog,\n"
      "ledgers/<workload>.writes, faults/<name>.log (command faults).\n"
      "--history DB records the run (figures, claims, --label KEY=VALUE) for `loadgate history`\n"
      "and `loadgate trend`.\n"
      "Exit codes: 0 completed, 1 an acknowledged write was lost or a claim broken (with\n"
      "--gate, also one not measured), 2 could not run or ended early (bad scenario,\n"
      "unreachable target, a results file that could not be written, a fault that failed or\n"
      "left the deployment unhealthy), 130 interrupted.");
  run_cmd->callback([args, checked, &exit_code] { exit_code = checked() ? run(*args) : 2; });
}

int run(const RunArgs& args, const AfterRun& after) {
  RunPlan plan;
  try {
    plan = make_plan({args.scenario, args.overrides, args.testbed, args.claims, args.out,
                      args.target.allow, args.target.confirm_faults});
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  if (args.dry_run) {
    print_plan(plan, std::cout);
    return 0;
  }
  for (const auto& note : plan.notes) std::cerr << "loadgate: note: " << note << "\n";
  if (!faults_confirmed(plan.faults_to_confirm, args.target)) return 2;
  plan.faults_confirmed = true;
  if (!history_usable(args.history)) return 2;  // a bad store is found before the load
  // Listening before any load, so a taken port costs nothing.
  std::unique_ptr<PrometheusEndpoint> metrics;
  try {
    metrics = open_metrics(args.metrics);
    if (metrics) begin_metrics_run(*metrics, plan, plan.out.filename().string());
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
  const bool after_failed = after && after(plan, result);
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
  finish_metrics(metrics.get(), args.metrics);
  const int verdicts =
      std::max(verdict_exit_code(result, args.gate, std::cerr), after_failed ? 1 : 0);
  const int exit_code = verdicts ? verdicts : result.interrupted ? 130 : failed ? 2 : 0;
  return record_in_history(args.history, plan.out, args.scenario, args.overrides, exit_code);
}

}  // namespace loadgate::cli
