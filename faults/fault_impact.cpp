#include "faults/fault_impact.h"

#include <algorithm>
#include <cmath>

namespace loadgate {
namespace {

constexpr auto kBaseline = std::chrono::seconds(10);
constexpr double kRecoveredShare = 0.95;

uint64_t total(const ErrorCounts& errors) {
  uint64_t sum = 0;
  for (const auto& [error_class, count] : errors) sum += count;
  return sum;
}

}  // namespace

Duration fault_window_end(const std::vector<FaultEvent>& events, size_t e, Duration run_end) {
  for (size_t next = e + 1; next < events.size(); ++next)
    if (events[next].injected) return events[next].started_at;
  return run_end;
}

void FaultImpactAnalysis::add(const IntervalSample& sample) {
  Counts counts{sample.end, sample.length, {}, {}, {}, {}};
  for (const auto& w : sample.workloads) {
    counts.names.push_back(w.name);
    counts.idle.push_back(w.attempts() == 0 && w.in_flight == 0);
    counts.successes.push_back(w.ok + w.expected_failures);
    counts.errors.push_back(w.errors);
  }
  intervals_.push_back(std::move(counts));
}

void FaultImpactAnalysis::analyse(std::vector<FaultEvent>& events, Duration run_end) const {
  if (intervals_.empty()) return;
  for (size_t e = 0; e < events.size(); ++e) {
    if (!events[e].injected) continue;
    const Duration window_end = fault_window_end(events, e, run_end);
    for (size_t w = 0; w < intervals_.front().names.size(); ++w)
      events[e].impacts.push_back(impact_of(w, events[e].started_at, window_end));
  }
}

FaultImpact FaultImpactAnalysis::impact_of(size_t w, Duration injected, Duration window_end) const {
  FaultImpact impact;
  impact.workload = intervals_.front().names[w];
  // The baseline: whole intervals in the 10 s before the injection.
  uint64_t before = 0;
  Duration before_length{};
  for (const auto& i : intervals_)
    if (i.end <= injected && i.end > injected - kBaseline) {
      before += i.successes[w];
      before_length += i.length;
    }
  if (before_length > Duration::zero())
    impact.baseline_rate =
        static_cast<double>(before) / std::chrono::duration<double>(before_length).count();

  // The window: from the interval the injection falls in to the last one that ends before the
  // next fault (whose own effects belong to its window).
  std::vector<const Counts*> window;
  for (const auto& i : intervals_)
    if (i.end > injected && i.end <= window_end) window.push_back(&i);
  // Below 95 % of the baseline, less two standard deviations of counting noise: at 100/s a
  // 250 ms interval holds 25 ± 5 successes, and one late response is not an outage.
  auto bad = [&](size_t k) {
    const Counts& i = *window[k];
    if (i.idle[w]) return false;
    // Errors, or nothing at all succeeding while requests were out: at a low rate the noise
    // allowance alone would let a silent outage count as recovered.
    if (total(i.errors[w]) > 0 || i.successes[w] == 0) return true;
    const double expected = impact.baseline_rate * std::chrono::duration<double>(i.length).count();
    return static_cast<double>(i.successes[w]) <
           kRecoveredShare * expected - 2 * std::sqrt(expected);
  };

  Duration stretch{};
  std::optional<size_t> first_bad, last_bad;
  for (size_t k = 0; k < window.size(); ++k) {
    const Counts& i = *window[k];
    if (!impact.first_error && total(i.errors[w]) > 0) impact.first_error = i.end - injected;
    // An interval the workload sent nothing in (a pause in its load) is neither up nor down.
    if (i.idle[w]) continue;
    stretch = i.successes[w] == 0 ? stretch + i.length : Duration{};
    impact.downtime = std::max(impact.downtime, stretch);
    if (bad(k)) {
      if (!first_bad) first_bad = k;
      last_bad = k;
    }
  }
  if (!first_bad) {  // never hit
    impact.first_success = impact.recovered = Duration{};
    return impact;
  }
  // The first success after an interval without any; with none such (a partial outage, one of
  // two instances down), successes never stopped: the first bad interval had some. A fault
  // starting mid-interval leaves successes in its first interval, so that one cannot count.
  std::optional<size_t> first_empty;
  for (size_t k = *first_bad; k < window.size() && !first_empty; ++k)
    if (window[k]->successes[w] == 0 && !window[k]->idle[w]) first_empty = k;
  if (!first_empty) {
    impact.first_success = window[*first_bad]->end - injected;
  } else {
    for (size_t k = *first_empty + 1; k < window.size() && !impact.first_success; ++k)
      if (window[k]->successes[w] > 0) impact.first_success = window[k]->end - injected;
  }
  if (*last_bad + 1 < window.size()) impact.recovered = window[*last_bad + 1]->end - injected;
  const size_t until = impact.recovered ? *last_bad : window.size() - 1;
  for (size_t k = 0; k <= until; ++k)
    for (const auto& [error_class, count] : window[k]->errors[w])
      impact.errors[error_class] += count;
  return impact;
}

}  // namespace loadgate
