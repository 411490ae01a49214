#include "reports/fault_impact.h"

#include <cmath>

#include <fmt/format.h>

namespace loadgate {
namespace {

constexpr auto kBaseline = std::chrono::seconds(10);
constexpr double kRecoveredShare = 0.95;

}  // namespace

std::string never_recovered_after(const std::string& workload, const FaultEvent& event) {
  return fmt::format("{} after the {} at {}", workload, event.kind,
                     format_duration(event.started_at));
}

FaultImpactTracker::FaultImpactTracker(size_t workload, const FaultWindow& window)
    : workload_(workload), window_(window) {}

bool FaultImpactTracker::bad(uint64_t successes, uint64_t errors, Duration length) const {
  // Errors, or nothing at all succeeding while requests were out: at a low rate the noise
  // allowance alone would let a silent outage count as recovered.
  if (errors > 0 || successes == 0) return true;
  // Below 95 % of the baseline, less two standard deviations of counting noise: at 100/s a
  // 250 ms interval holds 25 ± 5 successes, and one late response is not an outage.
  const double expected = impact_.baseline_rate * seconds(length);
  return static_cast<double>(successes) < kRecoveredShare * expected - 2 * std::sqrt(expected);
}

FaultImpactTracker::Seen FaultImpactTracker::add(const IntervalRecord& interval) {
  if (workload_ >= interval.workloads.size()) return Seen::outside;
  const WorkloadInterval& w = interval.workloads[workload_];
  const Duration start = window_.start;
  if (name_.empty()) name_ = w.name;
  const uint64_t successes = w.ok + w.expected_failures;
  // The baseline: whole intervals in the 10 s before the injection.
  if (interval.end <= start) {
    if (interval.end > start - kBaseline) {
      baseline_successes_ += successes;
      baseline_length_ += interval.length;
      impact_.baseline_rate = static_cast<double>(baseline_successes_) / seconds(baseline_length_);
    }
    return Seen::outside;
  }
  // The window: from the interval the injection falls in to the last one that ends before the
  // next fault (whose own effects belong to its window).
  if (interval.end > window_.end) return Seen::outside;
  const uint64_t errors = w.error_count();
  const Duration offset = interval.end - start;
  if (!impact_.first_error && errors > 0) impact_.first_error = offset;
  if (last_was_bad_) after_last_bad_ = interval.end;
  last_was_bad_ = false;
  for (const auto& [error_class, count] : w.errors) errors_since_[error_class] += count;
  // An interval the workload sent nothing in (a pause in its load) is neither up nor down.
  if (w.attempts() == 0 && w.in_flight == 0) return Seen::fine;
  stretch_ = successes == 0 ? stretch_ + interval.length : Duration{};
  impact_.downtime = std::max(impact_.downtime, stretch_);
  // The first success after an interval without any; with none such (a partial outage, one of
  // two instances down), successes never stopped: the first bad interval had some. A fault
  // starting mid-interval leaves successes in its first interval, so that one cannot count.
  if (after_first_bad_ && outage_seen_ && !impact_.first_success && successes > 0)
    impact_.first_success = offset;
  if (bad(successes, errors, interval.length)) {
    if (!first_bad_end_) first_bad_end_ = offset;
    after_first_bad_ = true;
    last_was_bad_ = true;
    after_last_bad_.reset();
    for (const auto& [error_class, count] : errors_since_)
      errors_until_last_bad_[error_class] += count;
    errors_since_.clear();
  }
  if (after_first_bad_ && successes == 0) outage_seen_ = true;
  return last_was_bad_ ? Seen::bad : Seen::fine;
}

FaultImpact FaultImpactTracker::impact() const {
  FaultImpact impact = impact_;
  impact.workload = name_;
  if (!first_bad_end_) {  // never hit
    impact.first_success = impact.recovered = Duration{};
    impact.errors.clear();
    return impact;
  }
  if (!outage_seen_) impact.first_success = first_bad_end_;
  // Back for good: the first interval after the last bad one. Still bad at the window's end: the
  // errors run to the end, and it is NOT RECOVERED.
  impact.recovered =
      after_last_bad_ ? std::optional(*after_last_bad_ - window_.start) : std::nullopt;
  impact.errors = errors_until_last_bad_;
  if (!impact.recovered)
    for (const auto& [error_class, count] : errors_since_) impact.errors[error_class] += count;
  return impact;
}

}  // namespace loadgate
