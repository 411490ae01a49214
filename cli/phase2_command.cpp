#include "cli/phase2_command.h"

#include <algorithm>
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
#include "reports/checklist_report.h"
#include "session/checklist.h"

namespace loadgate::cli {
namespace {

struct Phase2Args {
  std::filesystem::path checklist;
  std::optional<std::filesystem::path> out;
  std::optional<std::string> testbed;
  std::vector<std::string> only;
  bool keep_going = false;
  bool dry_run = false;
  HistoryArgs history;
  MetricsArgs metrics;
  TargetArgs target;
};

using Status = ChecklistItemOutcome::Status;

// Where a step's results go: OUT/<n>-<item>/<k>-<scenario>. `confirmed`: its faults may act
// beyond this machine (asked once for the whole checklist).
PlanRequest step_request(const Phase2Args& args, const std::filesystem::path& out, size_t item,
                         const ChecklistItem& it, size_t step, bool confirmed = false) {
  const ChecklistStep& s = it.steps[step];
  return {s.scenario,
          s.overrides,
          args.testbed,
          s.claims,
          out / fmt::format("{}-{}", item + 1, file_name_for(it.id)) /
              fmt::format("{}-{}", step + 1, file_name_for(s.scenario.stem().string())),
          args.target.allow,
          confirmed};
}

bool selected(const Phase2Args& args, const ChecklistItem& item) {
  return args.only.empty() ||
         std::find(args.only.begin(), args.only.end(), item.id) != args.only.end();
}

void write_outputs(const ChecklistOutcome& outcome, const std::filesystem::path& out) {
  std::filesystem::create_directories(out);
  replace_text_file(out / "checklist.json", checklist_json(outcome).dump(2) + "\n");
  replace_text_file(out / "junit.xml", checklist_junit(outcome));
  const std::string summary = checklist_markdown(outcome);
  replace_text_file(out / "checklist.md", summary);
  replace_text_file(out / "checklist.html", checklist_html(outcome, out));
  append_step_summary(summary);
}

int phase2(const Phase2Args& args) {
  Checklist list;
  std::filesystem::path out;
  try {
    list = load_checklist(args.checklist);
    for (const auto& id : args.only)
      if (std::none_of(list.items.begin(), list.items.end(),
                       [&](const auto& item) { return item.id == id; }))
        throw std::runtime_error(
            fmt::format("--only {}: {} has no such item", id, args.checklist.string()));
    out = args.out ? *args.out : default_out(list.name);
    std::vector<bool> judged(list.items.size(), false);  // some step has claims or an slo:
    std::vector<std::string> to_confirm;                 // each step's faults beyond this machine
    // Every step's plan is checked before the first runs: a typo in the last item must not cost
    // the first item's failover.
    for (size_t i = 0; i < list.items.size(); ++i)
      for (size_t k = 0; k < list.items[i].steps.size(); ++k) try {
          const RunPlan plan = make_plan(step_request(args, out, i, list.items[i], k));
          judged[i] = judged[i] || !plan.claims.empty() || !plan.scenario.slo.empty();
          for (const auto& fault : plan.faults_to_confirm)
            to_confirm.push_back(fmt::format("{} step {}: {}", list.items[i].id, k + 1, fault));
          if (args.dry_run) {
            std::cout << fmt::format("--- item {}, step {}: {}\n", list.items[i].id, k + 1,
                                     list.items[i].steps[k].scenario.string());
            print_plan(plan, std::cout);
          }
        } catch (const std::exception& e) {
          throw std::runtime_error(fmt::format("{}: item {}, step {}: {}", args.checklist.string(),
                                               list.items[i].id, k + 1, e.what()));
        }
    // An item whose runs judge nothing would be ticked for merely running.
    for (size_t i = 0; i < list.items.size(); ++i)
      if (!judged[i])
        throw std::runtime_error(fmt::format(
            "{}: item {} checks nothing: give its steps claims: (or the scenario an slo:)",
            args.checklist.string(), list.items[i].id));
    if (!args.dry_run && !faults_confirmed(to_confirm, args.target)) return 2;
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  if (args.dry_run) {
    std::cout << fmt::format("checklist {}: {} items, every step's plan checked\n", list.name,
                             list.items.size());
    return 0;
  }
  if (!history_usable(args.history)) return 2;  // a bad store is found before the load
  std::unique_ptr<PrometheusEndpoint> metrics;
  try {
    metrics = open_metrics(args.metrics);
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }

  ChecklistOutcome outcome{list.name, list.source_doc, list.source_section, {}};
  bool interrupted = false;
  std::string stopped_by;  // the gate item that failed, once one has
  {
    SignalStop signals;  // before the sessions' threads, which inherit its signal mask
    for (size_t i = 0; i < list.items.size(); ++i) {
      const ChecklistItem& item = list.items[i];
      ChecklistItemOutcome result{item.id, item.check, item.quote, Status::skipped, "", {}};
      if (!selected(args, item)) {
        result.reason = "not selected (--only)";
      } else if (!stopped_by.empty()) {
        result.reason =
            fmt::format("gate item {} failed before it (--keep-going runs it)", stopped_by);
      } else if (signals.token().stop_requested()) {
        result.reason = "interrupted";
      } else {
        for (size_t k = 0; k < item.steps.size() && !signals.token().stop_requested(); ++k) {
          const PlanRequest request = step_request(args, out, i, item, k, true);
          std::cerr << fmt::format("loadgate: {} step {} of {}: {} into {}\n", item.id, k + 1,
                                   item.steps.size(), item.steps[k].scenario.string(),
                                   request.out->string());
          ChecklistStepOutcome step{item.steps[k].scenario.string(), *request.out, {}, {}};
          auto run = run_scenario(request, signals.token(), step.verdict.errors, metrics.get(),
                                  run_id_under(out, *request.out));
          if (run) {
            RunVerdict judged = judge_run(*run);
            step.verdict.failures = std::move(judged.failures);
            step.verdict.inconclusive = std::move(judged.inconclusive);
            step.verdict.errors.insert(step.verdict.errors.end(), judged.errors.begin(),
                                       judged.errors.end());
            step.claims = run->claims;
            interrupted = interrupted || run->interrupted;
          }
          result.steps.push_back(std::move(step));
          if (interrupted) break;
        }
        settle_item(result);
        // Cut short (in a step, or between two): what ran proves nothing of what did not.
        const bool cut_short = interrupted || signals.token().stop_requested();
        if (cut_short && result.status == Status::ticked) {
          result.status = Status::skipped;
          result.reason = "interrupted before its steps were done";
        }
        if (result.status == Status::failed && item.gate && !args.keep_going) stopped_by = item.id;
      }
      outcome.items.push_back(std::move(result));
    }
    interrupted = interrupted || signals.token().stop_requested();
  }
  finish_metrics(metrics.get(), args.metrics);

  std::cout << checklist_console(outcome);
  int exit_code = outcome.exit_code();
  try {
    write_outputs(outcome, out);
    std::cout << fmt::format("results: {}\n", (out / "checklist.html").string());
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    if (exit_code != 1) exit_code = 2;
  }
  exit_code = interrupted && exit_code != 1 ? 130 : exit_code;
  return std::filesystem::exists(out / "checklist.json")
             ? record_in_history(args.history, out, args.checklist, {}, exit_code)
             : exit_code;
}

}  // namespace

void add_phase2_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<Phase2Args>();
  auto* command = app.add_subcommand(
      "phase2", "run a migration checklist: each item checked by runs, ticked or failed");
  command
      ->add_option("checklist", args->checklist,
                   "checklist file, e.g. scenarios/phase2/testbed.yaml")
      ->required();
  command->add_option("--out", args->out,
                      "results directory (default: out/<checklist>-<UTC time>); each step's run "
                      "in <n>-<item>/<k>-<scenario>/");
  command->add_option("--testbed", args->testbed,
                      "target this testbed directory instead of each scenario's target");
  command->add_option("--only", args->only, "check only this item (repeatable), by its id");
  command->add_flag("--keep-going", args->keep_going,
                    "check every item even after a gate item failed");
  command->add_flag("--dry-run", args->dry_run,
                    "read the checklist and check every step's plan; run nothing");
  add_history_options(command, args->history);
  add_target_options(command, args->target);
  auto metrics_checked = add_metrics_options(command, args->metrics);
  command->footer(
      "Items run in order; each step as `loadgate run` runs it, judged as the release gate\n"
      "judges a repeat: claims, the scenario's slo:, lost writes, faults recovered, the\n"
      "deployment healthy. An item is ticked when all its steps are clean, FAILED when one\n"
      "broke a claim, missed an SLO or lost a write, and not checked when one could not run or\n"
      "could not tell (generator-bound, a claim not measured), or a gate item failed before it.\n"
      "Results: OUT/checklist.html, checklist.md (also appended to $GITHUB_STEP_SUMMARY),\n"
      "checklist.json, junit.xml, and each step's own results.\n"
      "--history DB records the checklist (each item's verdict, each step's figures and claims)\n"
      "for `loadgate history` and `loadgate trend`; --metrics HOST:PORT serves every step live,\n"
      "each under run_id=\"<OUT's name>/<n>-<item>/<k>-<scenario>\".\n"
      "Exit codes: 0 every item ticked; 1 an item failed; 2 one could not run (or a bad\n"
      "checklist); 3 one could not tell; 130 interrupted.\n"
      "  loadgate testbed up && loadgate phase2 scenarios/phase2/testbed.yaml\n"
      "  loadgate phase2 scenarios/phase2/aws-staging.yaml --keep-going   # after editing it");
  command->callback(
      [&exit_code, args, metrics_checked] { exit_code = metrics_checked() ? phase2(*args) : 2; });
}

}  // namespace loadgate::cli
