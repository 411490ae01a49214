#include "cli/history_command.h"

#include <charconv>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "harness/scenario.h"
#include "harness/text_file.h"
#include "history/run_record.h"
#include "history/trend_page.h"
#include "session/checklist.h"

namespace loadgate::cli {
namespace {

std::map<std::string, std::string> parsed_labels(const std::vector<std::string>& labels) {
  std::map<std::string, std::string> parsed;
  for (const auto& label : labels) {
    const size_t equals = label.find('=');
    if (equals == 0 || equals == std::string::npos)
      throw std::invalid_argument(fmt::format(
          "--label {}: expected KEY=VALUE, such as rev=3f2a9c1 or night=2026-12-06", label));
    parsed[label.substr(0, equals)] = label.substr(equals + 1);
  }
  return parsed;
}

// A scenario named on the command line: its file (then the name inside it; a phase 2
// checklist's too) or its name.
std::string scenario_name(const std::string& given) {
  if (!std::filesystem::is_regular_file(given)) return given;
  try {
    return load_scenario(given, {}).name;
  } catch (const std::exception&) {
    try {
      return load_checklist(given).name;
    } catch (const std::exception&) {
    }
    throw;  // neither: the scenario's error says what is wrong with it
  }
}

HistoryStore open_store(const HistoryArgs& args) {
  if (!args.where)
    throw std::invalid_argument(
        "name the history store: --history FILE (SQLite) or --history DSN (Postgres), or set "
        "LOADGATE_HISTORY");
  // Reading, not recording: a misspelt file is an error, not a new empty history.
  if (!is_postgres_dsn(*args.where) && !std::filesystem::exists(*args.where))
    throw std::runtime_error(
        fmt::format("no history store at {} (runs record into one with --history {})", *args.where,
                    *args.where));
  return HistoryStore(*args.where);
}

std::string figure_text(const HistoryEntry& night, const std::string& figure) {
  const auto it = night.figures.find(figure);
  return it == night.figures.end() ? "–" : format_value(it->second, figure_quantity(figure));
}

int list_history(const HistoryArgs& args, const std::string& scenario, size_t last,
                 const std::string& command) {
  try {
    HistoryStore store = open_store(args);
    const std::string name = scenario_name(scenario);
    const auto nights = store.entries(name, command, last);
    if (nights.empty()) {
      std::cout << fmt::format("no runs of {} in {}\n", name, store.describe());
      return 0;
    }
    // The figures of the first workload a night measured, and every night's flags.
    std::string workload;
    for (const auto& [figure, value] : nights.back().figures)
      if (figure.ends_with(".latency.p99")) {
        workload = figure.substr(0, figure.size() - 12);
        break;
      }
    std::map<size_t, std::vector<std::string>> changed;
    for (const auto& f : flagged_changes(nights)) changed[f.change.night].push_back(f.figure);
    std::cout << fmt::format("{:>5}  {:20}  {:6}  {:13}  {:>9}  {:>9}  {:>7}  {:>4}  {}\n", "night",
                             "recorded", "cmd", "verdict", workload + " p50", "p99", "errors",
                             "lost", "labels; changed");
    for (size_t i = 0; i < nights.size(); ++i) {
      const auto& n = nights[i];
      std::string flags;
      for (const auto& figure : changed[i]) flags += (flags.empty() ? "; CHANGED " : ", ") + figure;
      std::cout << fmt::format(
          "{:>5}  {:20}  {:6}  {:13}  {:>9}  {:>9}  {:>7}  {:>4}  {}{}\n", fmt::format("#{}", n.id),
          n.recorded_at, n.command, n.verdict, figure_text(n, workload + ".latency.p50"),
          figure_text(n, workload + ".latency.p99"), figure_text(n, workload + ".errors.rate"),
          figure_text(n, "ledger.lost"), n.label_text(), flags);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
}

struct TrendArgs {
  HistoryArgs history;
  std::string scenario;
  std::filesystem::path out = "trend.html";
  size_t last = 30;
  std::string min_effect = "25%";
  double z = 3.5;
  bool fail_on_change = false;
};

int trend(const TrendArgs& args) {
  try {
    ChangeRule rule;
    rule.min_effect = parse_share("--min-effect", args.min_effect);
    rule.z = args.z;
    HistoryStore store = open_store(args.history);
    const std::string name = scenario_name(args.scenario);
    const auto nights = store.entries(name, "", args.last);
    if (nights.empty())
      throw std::runtime_error(fmt::format("no runs of {} in {}", name, store.describe()));
    write_text_file(args.out, trend_page(name, nights, rule));
    const auto flagged = flagged_changes(nights, rule);
    bool newest_changed = false;
    for (const auto& f : flagged) {
      std::cout << "CHANGED " << change_line(nights, f) << "\n";
      newest_changed = newest_changed || f.change.night + 1 == nights.size();
    }
    std::cout << fmt::format("{} night(s) of {}, {} change(s); trend: {}\n", nights.size(), name,
                             flagged.size(), args.out.string());
    return args.fail_on_change && newest_changed ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

void add_history_options(CLI::App* command, HistoryArgs& args, bool recording) {
  command
      ->add_option("--history", args.where,
                   recording ? "record this run in a history store: an SQLite file (created) or "
                               "a Postgres DSN (password from PGPASSWORD or ~/.pgpass)"
                             : "the history store: an SQLite file or a Postgres DSN")
      ->envname("LOADGATE_HISTORY");
  if (recording)
    command->add_option("--label", args.labels,
                        "KEY=VALUE kept with the run in the history, e.g. --label rev=$GIT_SHA "
                        "(repeatable)");
}

bool history_usable(const HistoryArgs& args) {
  try {
    parsed_labels(args.labels);
    if (args.where) HistoryStore store(*args.where);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return false;
  }
}

int record_in_history(const HistoryArgs& args, const std::filesystem::path& dir,
                      const std::filesystem::path& scenario,
                      const std::vector<std::string>& overrides, int exit_code) {
  if (!args.where) return exit_code;
  try {
    HistoryEntry entry = history_entry_of(dir);
    entry.recorded_at = utc_now_text();
    entry.labels = parsed_labels(args.labels);
    entry.scenario_hash = scenario_hash(scenario, overrides);
    entry.exit_code = exit_code;
    entry.verdict = verdict_of_exit(exit_code);
    HistoryStore store(*args.where);
    const int64_t id = store.record(entry);
    std::cout << fmt::format("history: recorded as #{} in {}\n", id, store.describe());
    return exit_code;
  } catch (const std::exception& e) {
    std::cerr << "loadgate: the run was NOT recorded in the history: " << e.what() << "\n";
    return exit_code == 0 ? 2 : exit_code;
  }
}

std::optional<std::string> baseline_from_history(const HistoryArgs& args, const std::string& name,
                                                 const std::string& scenario) {
  HistoryStore store = open_store(args);
  std::optional<HistoryEntry> entry;
  if (name == "#latest") {
    const auto gates = store.entries(scenario, "gate");
    for (auto it = gates.rbegin(); it != gates.rend() && !entry; ++it)
      if (it->verdict == "passed" && !it->gate_samples.empty()) entry = *it;
    if (!entry) {
      std::cerr << fmt::format(
          "loadgate: note: --baseline #latest: no passed gate of {} in {} yet: nothing to "
          "compare with; with --history this gate is the first baseline\n",
          scenario, store.describe());
      return std::nullopt;
    }
  } else {
    int64_t id = 0;
    const auto [end, error] = std::from_chars(name.data() + 1, name.data() + name.size(), id);
    if (error != std::errc() || end != name.data() + name.size())
      throw std::invalid_argument(fmt::format(
          "--baseline {}: name a history entry as #ID (loadgate history lists them) or #latest",
          name));
    entry = store.entry(id);
    if (!entry)
      throw std::runtime_error(
          fmt::format("--baseline {}: no such entry in {}", name, store.describe()));
    if (entry->gate_samples.empty())
      throw std::runtime_error(fmt::format(
          "--baseline {}: entry {} is a {} of {}, not a gate: only a gate's samples are a "
          "baseline",
          name, name, entry->command, entry->scenario));
    if (entry->scenario != scenario)
      throw std::runtime_error(
          fmt::format("--baseline {} is of scenario {}, not {}", name, entry->scenario, scenario));
  }
  std::cerr << fmt::format("loadgate: baseline: history #{} ({}, {}{})\n", entry->id,
                           entry->recorded_at, entry->verdict,
                           entry->labels.empty() ? "" : ", " + entry->label_text());
  return entry->gate_samples;
}

void add_history_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HistoryArgs>();
  auto scenario = std::make_shared<std::string>();
  auto last = std::make_shared<size_t>(30);
  auto command = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("history", "list the recorded runs of a scenario, a line each");
  sub->add_option("scenario", *scenario, "a scenario file or a scenario's name")->required();
  add_history_options(sub, *args, false);
  sub->add_option("--last", *last, "the newest so many")->capture_default_str();
  sub->add_option("--command", *command, "only these: run, soak, gate or phase2");
  sub->footer(
      "Each night: its id (#N, what gate --baseline and trend name), when, the command, the\n"
      "verdict, the first workload's p50/p99/error rate, lost writes, labels, and the figures\n"
      "flagged as changed against the nights before it (see loadgate trend --help).\n"
      "  loadgate history scenarios/soak/testbed.yaml --history nightly.db");
  sub->callback([=, &exit_code] { exit_code = list_history(*args, *scenario, *last, *command); });
}

void add_trend_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TrendArgs>();
  auto* sub = app.add_subcommand(
      "trend", "a self-contained HTML page of a scenario's nights, changes flagged");
  sub->add_option("scenario", args->scenario, "a scenario file or a scenario's name")->required();
  add_history_options(sub, args->history, false);
  sub->add_option("-o,--out", args->out, "the page to write")->capture_default_str();
  sub->add_option("--last", args->last, "the newest so many nights")->capture_default_str();
  sub->add_option("--min-effect", args->min_effect,
                  "a change must move a figure by at least this share of its baseline")
      ->capture_default_str();
  sub->add_option("--z", args->z, "and by more than this many robust deviations of the nights")
      ->check(CLI::Range(1.0, 100.0))
      ->capture_default_str();
  sub->add_flag("--fail-on-change", args->fail_on_change,
                "exit 1 when the newest night has a figure flagged");
  sub->footer(
      "Charts each figure night by night (every workload's p50, p99, error rate and throughput,\n"
      "each fault kind's downtime, lost writes, each process's RSS slope), every claim's verdict\n"
      "per night, and flags a night whose figure moved against the median of up to 7 nights\n"
      "before it (same scenario hash, not flagged themselves, at least 2) by more than --z\n"
      "robust deviations (1.4826 x MAD) AND more than --min-effect of that median AND the\n"
      "figure's floor (2 ms of p50, 5 ms of p99, half a point of error rate, 1 s downtime, one\n"
      "lost write, 1 MiB/h of RSS slope): one noisy night is not an alarm. A CHANGED line per\n"
      "flag. A soak's slopes are kept from 30 minutes on (shorter: an extrapolation).\n"
      "Exit codes: 0 written; 1 --fail-on-change and the newest night changed; 2 no store,\n"
      "no nights.\n"
      "  loadgate trend scenarios/soak/testbed.yaml --history nightly.db -o trend.html");
  sub->callback([args, &exit_code] { exit_code = trend(*args); });
}

}  // namespace loadgate::cli
