#include "reports/window_metrics.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace loadgate {
namespace {

using Range = std::pair<Duration, Duration>;  // [from, to)

std::vector<Range> ranges_of(const RunResult& run, const FaultWindowScope& scope) {
  std::vector<Range> ranges;
  Duration previous_end{};  // the previous fault's recovery, of any kind
  for (size_t e = 0; e < run.faults.size(); ++e) {
    const FaultEvent& f = run.faults[e];
    const Duration next = e + 1 < run.faults.size() ? run.faults[e + 1].started_at
                                                    : std::max(run.planned_duration, run.elapsed);
    const Duration recovered = std::max(f.recovered_at, f.injected_at);
    if (f.kind == scope.kind) {
      if (scope.part == FaultWindowScope::Part::before)
        ranges.push_back({previous_end, f.started_at});
      if (scope.part == FaultWindowScope::Part::during) ranges.push_back({f.started_at, recovered});
      if (scope.part == FaultWindowScope::Part::after) ranges.push_back({recovered, next});
    }
    previous_end = recovered;
  }
  return ranges;
}

bool within(Duration end, const std::vector<Range>& ranges, Duration length) {
  // An interval belongs to a window when it ends inside it (or, for windows shorter than an
  // interval, when it covers the window's end).
  return std::any_of(ranges.begin(), ranges.end(), [&](const Range& r) {
    return (end > r.first && end <= r.second) || (end - length < r.second && end >= r.second);
  });
}

Measurement not_measured(std::string why) {
  Measurement m;
  m.why = std::move(why);
  return m;
}

}  // namespace

FaultWindowScope parse_window_scope(std::string_view text) {
  FaultWindowScope scope;
  scope.text = std::string(text);
  const size_t space = text.find(' ');
  const std::string_view part = text.substr(0, space);
  if (space == std::string_view::npos || (part != "before" && part != "during" && part != "after"))
    throw std::invalid_argument(fmt::format(
        "\"{}\": write before, during or after and a fault kind, e.g. \"during failover\"", text));
  scope.part = part == "before"   ? FaultWindowScope::Part::before
               : part == "during" ? FaultWindowScope::Part::during
                                  : FaultWindowScope::Part::after;
  scope.kind = std::string(text.substr(space + 1));
  return scope;
}

Measurement measure_in_window(std::string_view metric, const RunResult& run,
                              const FaultWindowScope& scope) {
  const auto ranges = ranges_of(run, scope);
  if (ranges.empty()) return not_measured(fmt::format("no {} fault was injected", scope.kind));
  const std::string name(metric.substr(0, metric.find('.')));
  const std::string what(metric.substr(std::min(metric.size(), name.size() + 1)));
  if (name == "db" || name == "pgbouncer" || name == "process") {
    Observations within_windows;
    for (const auto& sample : run.observations.samples)
      if (std::any_of(ranges.begin(), ranges.end(), [&](const Range& r) {
            return sample.at >= r.first && sample.at <= r.second;
          }))
        within_windows.samples.push_back(sample);
    if (within_windows.samples.empty())
      return not_measured(fmt::format("no observer sample {}", scope.text));
    Measurement observed = measure_observed(metric, within_windows);
    if (observed.value) observed.evidence += " " + scope.text;
    return observed;
  }
  // A workload's intervals in the windows.
  uint64_t successes = 0, errors = 0, attempts = 0, in_flight = 0;
  int64_t worst[6] = {0, 0, 0, 0, 0, 0};  // p50 p90 p95 p99 p99.9 max
  size_t intervals = 0;
  double length = 0;
  for (const auto& point : run.timeline) {
    if (!within(point.end, ranges, point.length)) continue;
    for (const auto& w : point.workloads) {
      if (w.name != name) continue;
      ++intervals;
      length += std::chrono::duration<double>(point.length).count();
      successes += w.ok + w.expected_failures;
      errors += w.error_count();
      attempts += w.attempts();
      in_flight = std::max({in_flight, w.in_flight, w.vus});
      const int64_t values[6] = {w.p50_us, w.p90_us, w.p95_us, w.p99_us, w.p99_9_us, w.max_us};
      for (int i = 0; i < 6; ++i) worst[i] = std::max(worst[i], values[i]);
    }
  }
  if (intervals == 0)
    return not_measured(fmt::format("the timeline has no interval of {} {}", name, scope.text));
  Measurement m;
  m.from_load = true;
  m.evidence =
      fmt::format("{}, {} requests in {} intervals {}", name, attempts, intervals, scope.text);
  if (what == "throughput") {
    m.quantity = Quantity::rate;
    m.value = static_cast<double>(successes) / length;
  } else if (what == "errors.rate") {
    if (attempts == 0) return not_measured(fmt::format("{} sent nothing {}", name, scope.text));
    m.quantity = Quantity::share;
    m.value = static_cast<double>(errors) / static_cast<double>(attempts);
  } else if (what == "requests") {
    m.value = static_cast<double>(attempts);
  } else if (what == "concurrency") {
    m.value = static_cast<double>(in_flight);
  } else if (what.starts_with("latency.")) {
    static constexpr std::pair<std::string_view, int> kWhich[] = {
        {"p50", 0}, {"p90", 1}, {"p95", 2}, {"p99", 3}, {"p99.9", 4}, {"max", 5}};
    const std::string_view which = std::string_view(what).substr(8);
    const auto it = std::find_if(std::begin(kWhich), std::end(kWhich),
                                 [&](const auto& k) { return k.first == which; });
    if (it == std::end(kWhich))
      return not_measured(fmt::format("in a window: latency p50, p90, p95, p99, p99.9 or max"));
    if (successes == 0) return not_measured(fmt::format("{} had no success {}", name, scope.text));
    m.quantity = Quantity::duration;
    m.value = static_cast<double>(worst[it->second]) / 1e6;
    m.evidence += ", the worst interval's";
  } else {
    return not_measured(fmt::format(
        "in a window: throughput, errors.rate, requests, concurrency or latency.<p>, not '{}'",
        what));
  }
  return m;
}

}  // namespace loadgate
