#include "reports/rate_search.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/expectation.h"

namespace loadgate {
namespace {

std::string rate_text(double rate) {
  return format_value(rate, Quantity::rate);
}

// Enough requests for the SLO's highest percentile to rest on 5 of them beyond it, and at least
// 100, so that a 1% error rate can show at all.
uint64_t default_min_samples(const ServiceLevel& slo) {
  const double p = slo.highest_percentile();
  if (p <= 0 || p >= 100) return 100;
  return std::max<uint64_t>(100, static_cast<uint64_t>(std::ceil(5 / (1 - p / 100))));
}

}  // namespace

RateSearch::RateSearch(const RateSearchSpec& spec, const std::map<std::string, std::string>& slo,
                       Duration interval, Duration max_schedule_lag)
    : spec_(spec),
      slo_(slo),
      interval_(interval),
      lag_limit_us_(to_micros(max_schedule_lag)),
      min_samples_(spec.min_samples ? spec.min_samples : default_min_samples(slo_)),
      rate_(spec.start) {
  start_step(0, spec.start);
}

void RateSearch::start_step(uint64_t first_interval, double rate) {
  rate_ = rate;
  judged_from_ = first_interval + 1;  // the first interval settles
  latency_.reset();
  lag_.reset();
  successes_ = errors_ = attempts_ = dropped_ = intervals_ = 0;
}

void RateSearch::finish(std::string why) {
  done_ = true;
  why_done_ = std::move(why);
}

std::optional<RateSearch::Decision> RateSearch::add(const WorkloadInterval& interval,
                                                    uint64_t index) {
  if (done_ || index < judged_from_) return std::nullopt;
  if (after_recovery_) return recover(interval, index);
  latency_.merge(interval.latency);
  lag_.merge(interval.schedule_lag);
  successes_ += interval.ok + interval.expected_failures;
  errors_ += interval.error_count();
  attempts_ += interval.attempts();
  dropped_ += interval.dropped;
  ++intervals_;
  const Duration end = static_cast<int64_t>(index + 1) * interval_;

  // Past the generator's own limit the step would judge loadgate, not the target.
  if (const int64_t lag = lag_.value_at_percentile(99); lag > lag_limit_us_) {
    finish(fmt::format(
        "loadgate could not offer {}: requests started {} late at p99, past "
        "client.max_schedule_lag (add client.threads)",
        rate_text(rate_), format_value(static_cast<double>(lag) / 1e6, Quantity::duration)));
    return Decision{end, std::nullopt};
  }
  const Duration length = static_cast<int64_t>(intervals_) * interval_;
  const double planned = std::max(static_cast<double>(min_samples_), rate_ * seconds(spec_.hold));
  std::optional<std::string> broke;
  if (dropped_ > 0) {
    broke = fmt::format("{} requests dropped at max_in_flight", dropped_);
  } else if (static_cast<double>(attempts_) < planned) {
    // Broken however the rest of the step goes: even if every request still to come were
    // instant and good, the SLO would not be met.
    const auto still_to_come = static_cast<uint64_t>(std::ceil(planned)) - attempts_;
    best_case_.reset();
    best_case_.merge(latency_);
    best_case_.record(1, still_to_come);
    broke = slo_.breach(errors_, attempts_ + still_to_come, best_case_);
  }
  const bool held = length >= spec_.hold && attempts_ >= min_samples_;
  if (!broke && held) broke = slo_.breach(errors_, attempts_, latency_);
  if (!broke && !held) return std::nullopt;
  steps_.push_back({rate_, static_cast<int64_t>(judged_from_) * interval_, length, attempts_,
                    static_cast<double>(successes_) / seconds(length), !broke,
                    broke ? *broke : slo_.describe(errors_, attempts_, latency_)});
  return next_step(index, !broke);
}

RateSearch::Decision RateSearch::next_step(uint64_t index, bool met) {
  const size_t s = steps_.size() - 1;
  if (met && (!good_ || steps_[*good_].rate < rate_)) good_ = s;
  if (!met && (!bad_ || steps_[*bad_].rate > rate_)) bad_ = s;
  const Decision over{static_cast<int64_t>(index + 1) * interval_, std::nullopt};
  if (steps_.size() >= kMaxSteps) {
    finish(fmt::format("stopped after {} steps", kMaxSteps));
    return over;
  }
  double next = 0;
  if (!bad_) {
    if (rate_ >= spec_.max) {
      finish(
          fmt::format("the SLO held up to max ({}): the ceiling is higher", rate_text(spec_.max)));
      return over;
    }
    next = std::min(spec_.max, spec_.step > 0 ? rate_ + spec_.step : rate_ * spec_.factor);
  } else {
    const double low = good_ ? steps_[*good_].rate : 0, high = steps_[*bad_].rate;
    if (!good_ && high <= spec_.start / 32) {
      finish(fmt::format("the SLO broke even at {}", rate_text(high)));
      return over;
    }
    if (good_ && high - low <= spec_.resolution * low) {
      finish("");
      return over;
    }
    next = (low + high) / 2;
  }
  if (!met) {
    after_recovery_ = next;
    recovery_from_ = index + 2;
    rate_ = (good_ ? steps_[*good_].rate : next) / 2;
    judged_from_ = recovery_from_;
    return {static_cast<int64_t>(index + 2) * interval_, rate_};
  }
  start_step(index + 2, next);
  return {static_cast<int64_t>(index + 2) * interval_, next};
}

std::optional<RateSearch::Decision> RateSearch::recover(const WorkloadInterval& interval,
                                                        uint64_t index) {
  const bool calm = interval.attempts() > 0 && interval.dropped == 0 &&
                    !slo_.breach(interval.error_count(), interval.attempts(), interval.latency);
  if (calm) {
    const double next = *after_recovery_;
    after_recovery_.reset();
    start_step(index + 2, next);
    return Decision{static_cast<int64_t>(index + 2) * interval_, next};
  }
  const Duration waited = static_cast<int64_t>(index + 1 - recovery_from_) * interval_;
  if (waited >= std::max<Duration>(std::chrono::seconds(60), 6 * spec_.hold)) {
    finish(
        fmt::format("the target did not meet the SLO again within {} at {}, after the step "
                    "that broke it",
                    format_duration(waited), rate_text(rate_)));
    return Decision{static_cast<int64_t>(index + 1) * interval_, std::nullopt};
  }
  return std::nullopt;
}

CapacitySearch RateSearch::result() const {
  CapacitySearch search;
  search.steps = steps_;
  for (const auto& step : steps_)
    search.highest_rate = std::max(search.highest_rate, step.successes_per_s);
  search.slo_broken = bad_.has_value();
  if (steps_.empty()) {
    search.why = done_ ? why_done_
                       : fmt::format(
                             "the run ended before the search's first step ({}) was "
                             "judged: give it more time",
                             rate_text(spec_.start));
    return search;
  }
  std::vector<std::string> said;
  if (good_) {
    const CapacityStep& g = steps_[*good_];
    search.capacity = g.successes_per_s;
    // The capacity is what was served at that step, which can trail what was offered.
    said.push_back(fmt::format("{} offered met the SLO over {} ({} served; {})", rate_text(g.rate),
                               format_duration(g.length), rate_text(g.successes_per_s), g.detail));
  }
  if (bad_) {
    const CapacityStep& b = steps_[*bad_];
    said.push_back(fmt::format("{} broke it ({})", rate_text(b.rate), b.detail));
  }
  said.push_back(fmt::format("{} step{}", steps_.size(), steps_.size() == 1 ? "" : "s"));
  if (!done_)
    said.push_back(fmt::format("the run ended before the search did (at {})", rate_text(rate_)));
  else if (!why_done_.empty())
    said.push_back(why_done_);
  search.evidence = fmt::format("{}", fmt::join(said, "; "));
  return search;
}

}  // namespace loadgate
