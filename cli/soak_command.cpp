#include "cli/soak_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/run_command.h"
#include "harness/text_file.h"
#include "harness/units.h"
#include "reports/claim_metrics.h"
#include "reports/json_lines.h"
#include "reports/soak_windows.h"
#include "session/run_plan.h"

namespace loadgate::cli {
namespace {

struct SoakArgs {
  RunArgs run;
  std::string window = "10m", settle = "30s", for_text;
  Duration window_length{}, settle_time{};
};

// The override that makes the scenario last `length`: its duration:, or its last phase (a
// warmup before it keeps its length).
std::string length_override(const RunArgs& args, Duration length) {
  const Scenario scenario = load_scenario(args.scenario, args.overrides);
  const Phase& last = scenario.phases.back();
  if (scenario.phases.size() == 1 && last.name == "main")
    return "duration=" + format_duration(length);
  if (length <= last.start)
    throw ConfigError(fmt::format("--for {}: the phases before {} already last {}",
                                  format_duration(length), last.name, format_duration(last.start)));
  return fmt::format("phases.{}.duration={}", scenario.phases.size() - 1,
                     format_duration(length - last.start));
}

uint64_t directory_bytes(const std::filesystem::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  return bytes;
}

// A figure's slope as a claim would measure it ("process.service.rss" → its .slope).
nlohmann::json slope_json(const std::string& figure, const LinearTrend& line,
                          const RunResult& result) {
  const Measurement m = measure(figure + ".slope", result);
  const double margin = m.margin.value_or(0);
  return {{"points", line.points()},
          {"per_hour", m.value ? nlohmann::json(*m.value) : nlohmann::json(nullptr)},
          {"margin", m.value ? nlohmann::json(margin) : nlohmann::json(nullptr)},
          {"shown", m.value ? fmt::format("{} ±{}", format_value(*m.value, m.quantity),
                                          format_value(margin, m.quantity).substr(1))
                            : "too few points"}};
}

// After the run: the windows judged and written, the slope claims judged, the night's verdict.
bool judge_soak(const SoakArgs& args, const RunPlan& plan, RunResult& result) {
  std::vector<SoakWindow> windows;
  try {
    windows = judge_windows(result, plan.out, plan.claims, args.window_length, args.settle_time);
  } catch (const std::exception& e) {
    std::cerr << "loadgate: the soak's windows could not be judged: " << e.what() << "\n";
    return true;
  }
  // The slopes across windows exist only now: judge those claims again.
  for (size_t i = 0; i < plan.claims.size() && i < result.claims.size(); ++i)
    if (plan.claims[i].metric.ends_with(".slope")) result.claims[i] = judge(plan.claims[i], result);

  size_t held = 0, broken = 0;
  try {
    JsonLinesWriter lines(plan.out / "windows.jsonl");
    for (const auto& window : windows) {
      lines.write(window_json(window));
      std::cout << window_line(window) << "\n";
      held += window.verdict() == ClaimVerdict::Status::held;
      broken += window.verdict() == ClaimVerdict::Status::broken;
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return true;
  }
  nlohmann::json trends = nlohmann::json::object();
  for (const auto& [figure, line] : result.window_trends)
    trends[figure] = slope_json(figure, line, result);
  nlohmann::json memory = nlohmann::json::object();
  for (const auto& [gauge, line] : result.observed.trend)
    if (gauge.ends_with(".rss")) memory[gauge] = slope_json(gauge, line, result);
  const double run_hours = hours(result.elapsed);
  const uint64_t output = directory_bytes(plan.out);
  const bool claims_broken =
      std::any_of(result.claims.begin(), result.claims.end(),
                  [](const ClaimVerdict& c) { return c.status == ClaimVerdict::Status::broken; });
  const bool night_broken = broken > 0 || claims_broken;
  const nlohmann::json soak = {
      {"scenario", result.scenario},
      {"for_s", seconds(plan.scenario.duration)},
      {"window_s", seconds(args.window_length)},
      {"settle_s", seconds(args.settle_time)},
      {"windows", {{"total", windows.size()}, {"held", held}, {"broken", broken}}},
      {"verdict", night_broken ? "broken" : "held"},
      {"window_trends", trends},
      {"rss_slopes", memory},
      {"output_bytes", output},
      {"output_bytes_per_hour", run_hours > 0 ? static_cast<double>(output) / run_hours : 0.0}};
  try {
    write_text_file(plan.out / "soak.json", soak.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return true;
  }
  for (const auto& [gauge, slope] : memory.items())
    std::cout << fmt::format("{} slope: {}\n", gauge, slope["shown"].get<std::string>());
  for (const auto& [figure, slope] : trends.items())
    std::cout << fmt::format("{} slope across windows: {}\n", figure,
                             slope["shown"].get<std::string>());
  std::cout << fmt::format(
      "soak: {} of {} windows held, {} broken; the night {}; output {:.1f} MB ({:.1f} MB/h)\n",
      held, windows.size(), broken, night_broken ? "BROKEN" : "held",
      static_cast<double>(output) / 1e6,
      run_hours > 0 ? static_cast<double>(output) / 1e6 / run_hours : 0.0);
  return broken > 0;
}

}  // namespace

void add_soak_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SoakArgs>();
  auto* soak = app.add_subcommand(
      "soak", "run a scenario for hours, faults on their cycle, each window judged (nightly)");
  auto checked = add_run_options(soak, args->run);
  soak->add_option("--for", args->for_text,
                   "how long: 12h, 2h, 30m (replaces the scenario's duration:, or its last "
                   "phase's so a warmup is kept)")
      ->required();
  soak->add_option("--window", args->window,
                   "each window judged on its own: the SLO over its steady intervals, every claim "
                   "over its intervals (default 10m)");
  soak->add_option("--settle", args->settle,
                   "an interval is steady when no fault is active and the last recovered this "
                   "long before (default 30s)");
  soak->footer(
      "Faults repeat on their `every:` for the whole run; every injected fault is recovered,\n"
      "whatever ends the run. After it: OUT/windows.jsonl (a line a window: its verdict, steady\n"
      "intervals, SLO, each claim, each workload's p50/p99/errors, the faults in it) and\n"
      "OUT/soak.json (windows held and broken, the slopes per hour with 95% margins of each\n"
      "observed process's RSS and each workload's windowed p50/p99/error rate, the output's\n"
      "size per hour), beside everything `loadgate run` writes.\n"
      "Slope claims: process.<role>.rss.slope <= 1MiB/h (process.generator is loadgate itself),\n"
      "<workload>.latency.p99.slope <= 1ms/h, <workload>.errors.rate.slope <= 0.1%/h; a slope\n"
      "is held only when its whole margin is within the bound, broken only when beyond it.\n"
      "Exit codes: as `loadgate run`, and 1 when a window is broken.\n"
      "  loadgate soak scenarios/soak/testbed.yaml --for 2h --window 10m --metrics 127.0.0.1:9464");
  soak->callback([args, checked, &exit_code] {
    exit_code = 2;
    if (!checked()) return;
    const auto length = parse_duration(args->for_text);
    const auto window = parse_duration(args->window);
    const auto settle = parse_duration(args->settle);
    if (!length || *length <= Duration::zero()) {
      std::cerr << "loadgate: --for " << args->for_text << ": not a duration (12h, 30m)\n";
      return;
    }
    if (!window || *window <= Duration::zero() || *window > *length) {
      std::cerr << "loadgate: --window " << args->window
                << ": expected a duration no longer than --for (10m, 1h)\n";
      return;
    }
    if (!settle || *settle < Duration::zero()) {
      std::cerr << "loadgate: --settle " << args->settle << ": not a duration (30s)\n";
      return;
    }
    args->window_length = *window;
    args->settle_time = *settle;
    try {
      args->run.overrides.push_back(length_override(args->run, *length));
    } catch (const std::exception& e) {
      std::cerr << "loadgate: " << e.what() << "\n";
      return;
    }
    exit_code = run(args->run, [args](const RunPlan& plan, RunResult& result) {
      return judge_soak(*args, plan, result);
    });
  });
}

}  // namespace loadgate::cli
