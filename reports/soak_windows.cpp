#include "reports/soak_windows.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/json_lines.h"
#include "reports/observations_file.h"
#include "reports/service_level.h"
#include "reports/timeline_file.h"

namespace loadgate {
namespace {

constexpr const char* kWindowPhase = "window";
constexpr const char* kFollowedPhase = "after the window";

// A run of its own for one window: the whole run's plan, one recorded phase over the window and,
// when `followed` to a later end, the faults that were injected in it.
RunResult window_run(const RunResult& run, Duration start, Duration end,
                     std::optional<Duration> followed) {
  RunResult window;
  window.scenario = run.scenario;
  window.planned_duration = followed.value_or(end);  // where its fault windows end at the latest
  window.interval = run.interval;
  window.threads = run.threads;
  window.generator.schedule_lag_threshold_us = run.generator.schedule_lag_threshold_us;
  window.deployment = run.deployment;
  window.slo = run.slo;
  window.rate_searches = run.rate_searches;
  for (const auto& w : run.workloads) window.workloads.push_back(w.planned());
  PhaseResult phase{kWindowPhase, start, end - start, true, window.workloads};
  window.phases.push_back(std::move(phase));
  if (followed)
    for (const auto& fault : run.faults)
      if (fault.started_at >= start && fault.started_at < end) window.faults.push_back(fault);
  return window;
}

std::optional<double> percentile_s(const WorkloadResult& w, double percentile) {
  if (w.latency.count() == 0) return std::nullopt;
  return static_cast<double>(w.latency.value_at_percentile(percentile)) / 1e6;
}

// The window being folded: all its intervals, and its steady ones apart.
struct OpenWindow {
  SoakWindow summary;
  RunResult all, steady;
  std::unique_ptr<RunFold> all_fold, steady_fold;
};

}  // namespace

ClaimVerdict::Status SoakWindow::verdict() const {
  const bool broken =
      slo_breach || std::any_of(claims.begin(), claims.end(), [](const ClaimVerdict& c) {
        return c.status == ClaimVerdict::Status::broken;
      });
  if (broken) return ClaimVerdict::Status::broken;
  const bool judged = slo_judged || std::any_of(claims.begin(), claims.end(), [](const auto& c) {
                        return c.status == ClaimVerdict::Status::held;
                      });
  return judged ? ClaimVerdict::Status::held : ClaimVerdict::Status::not_measured;
}

std::vector<SoakWindow> judge_windows(RunResult& run, const std::filesystem::path& dir,
                                      const std::vector<Claim>& claims, Duration length,
                                      Duration settle) {
  if (length <= Duration::zero()) throw std::invalid_argument("a window must be longer than zero");
  // When each stretch of the run was disturbed: from an injection to its recovery + settle.
  std::vector<std::pair<Duration, Duration>> disturbed;
  for (const auto& fault : run.faults)
    disturbed.emplace_back(fault.started_at,
                           (fault.recovered ? fault.recovered_at : run.planned_duration) + settle);
  auto is_steady = [&](Duration from, Duration to) {
    return std::none_of(disturbed.begin(), disturbed.end(),
                        [&](const auto& d) { return from < d.second && to > d.first; });
  };
  std::vector<std::string> recorded;
  for (const auto& phase : run.phases)
    if (phase.recorded) recorded.push_back(phase.name);

  const FoldRequest request = fold_request_for(claims);
  std::vector<SoakWindow> windows;
  // The window being filled, and the one before it: a fault near a window's end is judged on how
  // the workloads came back, which the next window's intervals show. They reach the earlier
  // window's fold under a phase of no name it knows, so its totals stay its own.
  std::unique_ptr<OpenWindow> current, previous;
  JsonLinesReader observations(dir / "observations.jsonl");
  nlohmann::json line;
  std::optional<ObservedSample> pending;  // the first sample beyond the windows opened so far
  std::optional<Duration> origin;         // the first recorded interval's start
  run.window_trends.clear();

  auto close = [&](std::unique_ptr<OpenWindow>& open) {
    if (!open) return;
    OpenWindow& w = *open;
    w.all_fold->finish();
    // Rates over the steady intervals only: their count, not the window's length.
    w.steady.phases[0].duration = w.summary.steady_intervals * run.interval;
    w.steady_fold->finish();
    const PhaseResult& phase = w.all.phases[0];
    if (phase.generator.generator_bound)
      w.summary.generator =
          fmt::format("generator-bound (schedule lag p99 {})",
                      format_value(static_cast<double>(phase.generator.schedule_lag_p99_us) / 1e6,
                                   Quantity::duration));
    const double middle = hours(w.summary.start + (w.summary.end - w.summary.start) / 2);
    for (size_t i = 0; i < phase.workloads.size(); ++i) {
      const WorkloadResult& all = phase.workloads[i];
      const WorkloadResult& steady = w.steady.phases[0].workloads[i];
      SoakWindowFigures figures{all.name,
                                all.attempts(),
                                all.error_count(),
                                percentile_s(all, 50),
                                percentile_s(all, 99),
                                percentile_s(steady, 99)};
      // A generator-bound window's latencies describe loadgate, not the target.
      if (!w.summary.generator) {
        if (figures.p50_s) run.window_trends[all.name + ".latency.p50"].add(middle, *figures.p50_s);
        if (figures.p99_s) run.window_trends[all.name + ".latency.p99"].add(middle, *figures.p99_s);
        if (all.attempts() > 0)
          run.window_trends[all.name + ".errors.rate"].add(
              middle, static_cast<double>(all.error_count()) / static_cast<double>(all.attempts()));
      }
      w.summary.workloads.push_back(std::move(figures));
      if (!run.slo.empty() && w.summary.steady_intervals > 0 && steady.attempts() > 0) {
        w.summary.slo_judged = true;
        if (!w.summary.slo_breach)
          if (auto breach = slo_breach(steady, run.slo))
            w.summary.slo_breach = fmt::format("{}: {}", steady.name, *breach);
      }
    }
    for (const auto& fault : w.all.faults)
      w.summary.faults.push_back(
          fmt::format("{} at {}", fault.description, format_duration(fault.started_at)));
    for (const auto& claim : claims) w.summary.claims.push_back(judge(claim, w.all));
    windows.push_back(std::move(w.summary));
    open.reset();
  };
  auto open_window = [&](size_t index) {
    auto open = std::make_unique<OpenWindow>();
    OpenWindow& w = *open;
    w.summary.index = index + 1;
    w.summary.start = *origin + length * static_cast<int64_t>(index);
    w.summary.end = std::min(w.summary.start + length, run.planned_duration);
    // Its faults are followed into the next window (see `previous`).
    const Duration followed = std::min(w.summary.end + length, run.planned_duration);
    w.all = window_run(run, w.summary.start, w.summary.end, followed);
    w.steady = window_run(run, w.summary.start, w.summary.end, std::nullopt);
    w.all_fold = std::make_unique<RunFold>(w.all, request);
    w.steady_fold = std::make_unique<RunFold>(w.steady, FoldRequest{});
    // The window's samples, all at once (a fold takes them before its intervals as well as
    // after); those before it (a warmup's) belong to no window.
    if (!pending && observations.next(line)) sample_from_json(line, pending.emplace());
    while (pending && pending->at <= w.summary.end) {
      if (pending->at >= w.summary.start) w.all_fold->add(*pending);
      pending.reset();
      if (observations.next(line)) sample_from_json(line, pending.emplace());
    }
    return open;
  };

  IntervalRecord copy;
  read_timeline(dir / "timeline.jsonl", [&](const IntervalRecord& interval) {
    if (std::find(recorded.begin(), recorded.end(), interval.phase) == recorded.end()) return;
    const Duration start = interval.end - interval.length;
    if (!origin) origin = start;
    // The interval in which the last requests drained, after the planned end, is the last
    // window's.
    const Duration last = std::max(*origin, run.planned_duration - Duration(1));
    const auto index = static_cast<size_t>((std::min(start, last) - *origin) / length);
    if (!current || current->summary.index != index + 1) {
      close(previous);
      // A window with no interval at all (a stalled timeline) leaves no window to follow.
      if (current && current->summary.index == index) previous = std::move(current);
      close(current);
      current = open_window(index);
    }
    copy = interval;
    copy.phase = kWindowPhase;
    current->all_fold->add(copy);
    ++current->summary.intervals;
    if (is_steady(start, interval.end)) {
      current->steady_fold->add(copy);
      ++current->summary.steady_intervals;
    }
    if (previous) {
      copy.phase = kFollowedPhase;
      previous->all_fold->add(copy);
    }
  });
  close(previous);
  close(current);
  return windows;
}

nlohmann::json window_json(const SoakWindow& window) {
  nlohmann::json workloads = nlohmann::json::array(), claims = nlohmann::json::array();
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  for (const auto& w : window.workloads)
    workloads.push_back({{"name", w.workload},
                         {"requests", w.requests},
                         {"errors", w.errors},
                         {"p50_s", optional(w.p50_s)},
                         {"p99_s", optional(w.p99_s)},
                         {"steady_p99_s", optional(w.steady_p99_s)}});
  for (const auto& c : window.claims)
    claims.push_back({{"id", c.id},
                      {"verdict", status_name(c.status)},
                      {"measured", c.measured},
                      {"detail", c.detail}});
  return {{"window", window.index},
          {"start_s", seconds(window.start)},
          {"end_s", seconds(window.end)},
          {"verdict", status_name(window.verdict())},
          {"intervals", window.intervals},
          {"steady_intervals", window.steady_intervals},
          {"slo", window.slo_breach   ? *window.slo_breach
                  : window.slo_judged ? "met"
                                      : "not judged"},
          {"generator", window.generator.value_or("")},
          {"faults", window.faults},
          {"workloads", workloads},
          {"claims", claims}};
}

std::string window_line(const SoakWindow& window) {
  size_t held = 0, broken = 0;
  for (const auto& c : window.claims) {
    held += c.status == ClaimVerdict::Status::held;
    broken += c.status == ClaimVerdict::Status::broken;
  }
  std::vector<std::string> figures;
  for (const auto& w : window.workloads)
    figures.push_back(fmt::format(
        "{} p99 {} err {}", w.workload, w.p99_s ? format_value(*w.p99_s, Quantity::duration) : "-",
        format_value(
            w.requests ? static_cast<double>(w.errors) / static_cast<double>(w.requests) : 0,
            Quantity::share)));
  std::string line = fmt::format(
      "window {:>3} {}–{} {:<12} steady {}/{} intervals, SLO {}; claims {} held, {} broken; {}",
      window.index, format_duration(window.start), format_duration(window.end),
      status_name(window.verdict()), window.steady_intervals, window.intervals,
      window.slo_breach   ? "BREACHED (" + *window.slo_breach + ")"
      : window.slo_judged ? "met"
                          : "not judged",
      held, broken, fmt::join(figures, "; "));
  if (!window.faults.empty()) line += fmt::format("; faults: {}", fmt::join(window.faults, ", "));
  if (window.generator) line += "; " + *window.generator;
  return line;
}

}  // namespace loadgate
