#include "reports/service_level.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/expectation.h"
#include "harness/units.h"

namespace loadgate {
namespace {

double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

// "latency.p95" → 95; "latency.max" → 100.
double percentile_of(const std::string& term) {
  const std::string which = term.substr(term.find('.') + 1);
  if (which == "max") return 100;
  double p = 0;
  std::from_chars(which.data() + 1, which.data() + which.size(), p);
  return p;
}

// The value a term measures, in the expectation's units: a share, or seconds.
struct Observed {
  double value;
  std::string shown;
};

Observed observe(const std::string& term, uint64_t errors, uint64_t attempts,
                 const std::function<int64_t(double)>& latency_at) {
  if (term == "errors.rate") {
    const double share = attempts ? static_cast<double>(errors) / static_cast<double>(attempts) : 0;
    return {share, fmt::format("errors {}", format_value(share, Quantity::share))};
  }
  const double value = static_cast<double>(latency_at(percentile_of(term))) / 1e6;
  return {value, fmt::format("{} {}", term.substr(term.find('.') + 1),
                             format_value(value, Quantity::duration))};
}

std::optional<std::string> breach(const std::map<std::string, std::string>& slo, uint64_t errors,
                                  uint64_t attempts,
                                  const std::function<int64_t(double)>& latency_at) {
  for (const auto& [term, text] : slo) {
    const Expectation expect = parse_expectation(text);
    const Observed observed = observe(term, errors, attempts, latency_at);
    if (!expect.holds(observed.value))
      return fmt::format("{} breaks the SLO {} {}", observed.shown, term, text);
  }
  return std::nullopt;
}

int64_t interval_latency(const IntervalPoint& p, double percentile) {
  if (percentile >= 100) return p.max_us;
  if (percentile >= 99.9) return p.p99_9_us;
  if (percentile >= 99) return p.p99_us;
  if (percentile >= 95) return p.p95_us;
  if (percentile >= 90) return p.p90_us;
  return p.p50_us;
}

}  // namespace

std::optional<std::string> slo_breach(const WorkloadResult& workload,
                                      const std::map<std::string, std::string>& slo) {
  return breach(slo, workload.error_count(), workload.attempts(),
                [&](double p) { return workload.latency.value_at_percentile(p); });
}

CapacitySearch search_capacity(const RunResult& run, const std::string& workload, Duration window) {
  CapacitySearch search;
  if (run.slo.empty()) {
    search.why = "a capacity search needs the scenario's slo: (e.g. errors.rate: \"< 1%\")";
    return search;
  }
  // The intervals of recorded phases, in order, with this workload's numbers.
  std::vector<std::pair<const TimelinePoint*, const IntervalPoint*>> points;
  for (const auto& point : run.timeline) {
    const auto phase = std::find_if(run.phases.begin(), run.phases.end(),
                                    [&](const PhaseResult& p) { return p.name == point.phase; });
    if (phase != run.phases.end() && !phase->recorded) continue;
    for (const auto& w : point.workloads)
      if (w.name == workload) points.push_back({&point, &w});
  }
  if (points.empty()) {
    search.why = fmt::format("the timeline has no recorded interval of {}", workload);
    return search;
  }
  const Duration interval = points.front().first->length;
  const size_t span = std::max<size_t>(
      1, static_cast<size_t>(std::llround(seconds(window) / std::max(seconds(interval), 1e-3))));
  std::vector<bool> met;
  for (const auto& [point, w] : points) {
    // Percentiles of an interval with only errors are 0: judge it by its errors alone.
    const bool ok = w->dropped == 0 && !breach(run.slo, w->error_count(), w->attempts(),
                                               [&](double p) { return interval_latency(*w, p); });
    if (!ok && w->attempts() + w->dropped > 0) search.slo_broken = true;
    met.push_back(ok && w->attempts() > 0);
  }
  for (size_t start = 0; start + span <= points.size(); ++start) {
    double successes = 0, length = 0;
    bool all_met = true;
    for (size_t i = start; i < start + span; ++i) {
      successes += static_cast<double>(points[i].second->ok + points[i].second->expected_failures);
      length += seconds(points[i].first->length);
      all_met = all_met && met[i];
    }
    const double rate = length > 0 ? successes / length : 0;
    search.highest_rate = std::max(search.highest_rate, rate);
    if (all_met && rate > search.capacity.value_or(-1)) {
      search.capacity = rate;
      search.evidence =
          fmt::format("{} intervals from {} meeting the SLO", span,
                      format_duration(points[start].first->end - points[start].first->length));
    }
  }
  if (points.size() < span)
    search.why = fmt::format("fewer recorded intervals than a {} window", format_duration(window));
  return search;
}

}  // namespace loadgate
