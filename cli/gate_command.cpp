#include "cli/gate_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/history_command.h"
#include "cli/metrics_options.h"
#include "cli/scenario_run.h"
#include "cli/signal_stop.h"
#include "cli/target_options.h"
#include "harness/text_file.h"
#include "reports/gate_report.h"
#include "reports/html_report.h"

namespace loadgate::cli {
namespace {

struct GateArgs {
  std::filesystem::path scenario, baseline;  // a baseline "#17" or "#latest": in the history
  std::optional<std::filesystem::path> out;
  std::optional<std::string> testbed;
  std::vector<std::string> overrides;
  std::vector<std::filesystem::path> claims;
  size_t repeat = 3;
  bool update_baseline = false;
  double alpha = 0.05;
  std::string min_effect = "10%";
  HistoryArgs history;
  MetricsArgs metrics;
  TargetArgs target;
};

// Replaced whole: a full disk leaves the old baseline as it was.
void store_baseline(const std::filesystem::path& file, const GateSamples& samples) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  replace_text_file(file, samples_to_json(samples).dump() + "\n");
}

int gate(const GateArgs& args) {
  GateOutcome gate;
  GateSettings settings;
  std::filesystem::path out;
  std::optional<GateSamples> baseline;
  std::unique_ptr<PrometheusEndpoint> metrics;
  try {
    settings.min_effect = parse_share("--min-effect", args.min_effect);
    settings.alpha = args.alpha;
    const bool from_history = args.baseline.string().starts_with("#");
    if (from_history && args.update_baseline)
      throw std::invalid_argument(
          fmt::format("--baseline {} names a history entry: --history records this gate there, and "
                      "--baseline #latest takes the newest that passed (no --update-baseline)",
                      args.baseline.string()));
    if (!history_usable(args.history)) return 2;
    if (args.update_baseline && std::filesystem::is_directory(args.baseline))
      throw std::runtime_error(fmt::format(
          "--baseline {} is a directory: --update-baseline writes a samples file (name a .json "
          "file)",
          args.baseline.string()));
    if (from_history) {
      const auto stored = baseline_from_history(args.history, args.baseline.string(),
                                                load_scenario(args.scenario, args.overrides).name);
      if (stored)
        baseline =
            samples_from_json(nlohmann::json::parse(*stored), "history " + args.baseline.string());
    } else if (std::filesystem::exists(args.baseline))
      baseline = read_gate_samples(args.baseline);
    else if (!args.update_baseline)
      throw std::runtime_error(fmt::format(
          "--baseline {}: no such file or directory (store one first with --update-baseline)",
          args.baseline.string()));
    out = args.out ? *args.out
                   : default_out(load_scenario(args.scenario, args.overrides).name + "-gate");
    // A plan is checked once before anything runs: a bad scenario is one error, not N; its
    // faults are confirmed once for every repeat.
    const RunPlan checked = make_plan({args.scenario, args.overrides, args.testbed, args.claims,
                                       out / "repeat-1", args.target.allow});
    gate.scenario = checked.scenario.name;
    if (!faults_confirmed(checked.faults_to_confirm, args.target)) return 2;
    if (baseline && !baseline->scenario.empty() && baseline->scenario != gate.scenario)
      throw std::runtime_error(fmt::format("--baseline {} is of scenario {}, not {}",
                                           args.baseline.string(), baseline->scenario,
                                           gate.scenario));
    metrics = open_metrics(args.metrics);
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }

  GateSamples samples;
  bool interrupted = false;
  {
    SignalStop signals;  // before the sessions' threads, which inherit its signal mask
    for (size_t i = 1; i <= args.repeat && !signals.token().stop_requested(); ++i) {
      const auto dir = out / fmt::format("repeat-{}", i);
      std::cerr << fmt::format("loadgate: gate repeat {} of {} into {}\n", i, args.repeat,
                               dir.string());
      auto result = run_scenario(
          {args.scenario, args.overrides, args.testbed, args.claims, dir, args.target.allow, true},
          signals.token(), gate.errors, metrics.get(), run_id_under(out, dir));
      if (!result) break;  // it could not start: the next would not either
      interrupted = result->interrupted;
      try {  // the session's own result: its files need not be folded again
        samples.append(samples_of_run(*result, dir));
      } catch (const std::exception& e) {
        gate.errors.push_back(e.what());
      }
      gate.repeats.push_back(judge_repeat(dir, std::move(*result)));
      if (interrupted) break;
    }
    interrupted = interrupted || signals.token().stop_requested();  // also between repeats
  }
  finish_metrics(metrics.get(), args.metrics);
  if (interrupted) gate.errors.push_back("interrupted: fewer repeats than asked for");
  if (baseline) {
    gate.comparison = compare_samples(*baseline, samples, settings);
    gate.comparison->baseline = args.baseline.string();
    // Each repeat's charts with the baseline's figures beside its own.
    for (const auto& r : gate.repeats) try {
        replace_text_file(r.dir / "report.html", html_report(r.result, &*baseline));
      } catch (const std::exception& e) {
        gate.errors.push_back(e.what());
      }
  }

  std::cout << gate_console(gate);
  int exit_code = gate.exit_code();
  try {
    std::filesystem::create_directories(out);  // a first repeat that never started made none
    write_text_file(out / "gate.json", gate_json(gate, samples).dump(2) + "\n");
    write_text_file(out / "junit.xml", gate_junit(gate));
    const std::string summary = gate_markdown(gate);
    write_text_file(out / "summary.md", summary);
    append_step_summary(summary);
    std::cout << fmt::format("results: {}\n", (out / "gate.json").string());
    // A baseline is stored from a gate that ran every repeat and judged it (passed or failed:
    // --update-baseline accepts the change), never from one that could not run, could not tell
    // or was cut short.
    bool complete = gate.errors.empty() && !interrupted && gate.repeats.size() == args.repeat;
    for (const auto& r : gate.repeats) complete = complete && r.verdict.errors.empty();
    if (args.update_baseline && complete && (exit_code == 0 || exit_code == 1)) {
      store_baseline(args.baseline, samples);
      std::cout << fmt::format("baseline stored: {} ({} runs)\n", args.baseline.string(),
                               samples.runs);
    } else if (args.update_baseline) {
      std::cerr << fmt::format("loadgate: baseline NOT stored: the gate was {}{}\n", gate.verdict(),
                               interrupted ? " (interrupted)" : "");
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    if (exit_code != 1) exit_code = 2;
  }
  exit_code = interrupted && exit_code != 1 ? 130 : exit_code;
  return std::filesystem::exists(out / "gate.json")
             ? record_in_history(args.history, out, args.scenario, args.overrides, exit_code)
             : exit_code;
}

}  // namespace

void add_gate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GateArgs>();
  auto* command = app.add_subcommand(
      "gate", "release gate: run a scenario N times, judge it, compare it with a baseline");
  command->add_option("scenario", args->scenario, "scenario file, e.g. scenarios/demo.yaml")
      ->required();
  command
      ->add_option("--baseline", args->baseline,
                   "what to compare with: a samples file (written by --update-baseline), a "
                   "gate's output directory, a run's results directory, or a gate in the "
                   "--history store: #ID, or #latest (the newest that passed)")
      ->required();
  command->add_option("--repeat", args->repeat, "how many times to run the scenario")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_flag("--update-baseline", args->update_baseline,
                    "store this gate's samples as the baseline file (when it ran and judged: "
                    "exit 0 or 1); a missing baseline is then no error");
  command->add_option("--out", args->out,
                      "results directory (default: out/<scenario>-gate-<UTC time>); each repeat "
                      "in repeat-N/");
  command->add_option("--testbed", args->testbed,
                      "target this testbed directory instead of the scenario's target");
  command->add_option("--set", args->overrides,
                      "override a scenario value (repeatable), as for run");
  command->add_option("--claims", args->claims,
                      "a claims file to judge each repeat by (repeatable)");
  command
      ->add_option("--alpha", args->alpha,
                   "significance over all the gate's tests: each of m metrics counts when its p is "
                   "below alpha / m")
      ->check(CLI::Range(0.0001, 0.5))
      ->capture_default_str();
  command
      ->add_option("--min-effect", args->min_effect,
                   "and when it moved the median (the mean, for rates) by more than this")
      ->capture_default_str();
  add_history_options(command, args->history);
  add_target_options(command, args->target);
  auto metrics_checked = add_metrics_options(command, args->metrics);
  command->footer(
      "Each repeat is judged as `loadgate run` judges a run (claims, the scenario's slo:, lost\n"
      "writes, faults recovered, the deployment healthy). Then every workload's per-interval\n"
      "throughput, error rate, p50 and p99 over the repeats' recorded phases are compared with\n"
      "the baseline's by a Mann-Whitney U test: a change is a regression only when it is\n"
      "significant (p < --alpha / the number of metrics compared) AND larger than --min-effect,\n"
      "than a floor (0.5 ms of latency, half a point of error rate) AND than the baseline's own\n"
      "run-to-run spread (how far one of its runs strays from the whole); otherwise it shows\n"
      "as ~. Metrics need 8 intervals a side, at the same offered load.\n"
      "Results: OUT/gate.json (verdicts and samples), OUT/junit.xml (each repeat's claims and\n"
      "checks, and one testcase per compared metric), OUT/summary.md (also appended to\n"
      "$GITHUB_STEP_SUMMARY when set), OUT/repeat-N/ (each run's own results).\n"
      "--metrics HOST:PORT serves every repeat live, each under run_id=\"<OUT's name>/repeat-N\".\n"
      "Exit codes: 0 pass; 1 a claim broken, an SLO missed, a write lost, or a regression;\n"
      "2 could not run (bad scenario or baseline, unreachable target, a fault that failed or\n"
      "left the deployment unhealthy); 3 inconclusive (generator-bound, a claim not measured,\n"
      "too few samples, another offered load than the baseline's): never a silent pass;\n"
      "130 interrupted.\n"
      "  loadgate gate scenarios/demo.yaml --baseline gate-baseline.json --update-baseline\n"
      "  loadgate gate scenarios/demo.yaml --baseline gate-baseline.json\n"
      "  loadgate gate scenarios/demo.yaml --history gates.db --baseline '#latest' --label "
      "rev=$SHA");
  command->callback(
      [&exit_code, args, metrics_checked] { exit_code = metrics_checked() ? gate(*args) : 2; });
}

}  // namespace loadgate::cli
