#include "reports/service_level.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/units.h"

namespace loadgate {
namespace {

// "latency.p95" → 95; "latency.max" → 100.
double percentile_of(const std::string& term) {
  const std::string which = term.substr(term.find('.') + 1);
  if (which == "max") return 100;
  double p = 0;
  std::from_chars(which.data() + 1, which.data() + which.size(), p);
  return p;
}

}  // namespace

ServiceLevel::ServiceLevel(const std::map<std::string, std::string>& slo) {
  for (const auto& [name, text] : slo) {
    Term term{name, text, parse_expectation(text), std::nullopt};
    if (name != "errors.rate") term.percentile = percentile_of(name);
    terms_.push_back(std::move(term));
  }
}

ServiceLevel::Reading ServiceLevel::read(const Term& term, uint64_t errors, uint64_t attempts,
                                         const Histogram& latency) {
  if (!term.percentile) {
    const double value = attempts ? static_cast<double>(errors) / static_cast<double>(attempts) : 0;
    return {value, fmt::format("errors {}", format_value(value, Quantity::share))};
  }
  const double value = static_cast<double>(latency.value_at_percentile(*term.percentile)) / 1e6;
  return {value, fmt::format("{} {}", term.name.substr(term.name.find('.') + 1),
                             format_value(value, Quantity::duration))};
}

std::optional<std::string> ServiceLevel::breach(uint64_t errors, uint64_t attempts,
                                                const Histogram& latency) const {
  for (const auto& term : terms_) {
    const Reading reading = read(term, errors, attempts, latency);
    if (!term.expect.holds(reading.value))
      return fmt::format("{} breaks the SLO {} {}", reading.shown, term.name, term.text);
  }
  return std::nullopt;
}

double ServiceLevel::highest_percentile() const {
  double highest = 0;
  for (const auto& term : terms_) highest = std::max(highest, term.percentile.value_or(0));
  return highest;
}

std::string ServiceLevel::describe(uint64_t errors, uint64_t attempts,
                                   const Histogram& latency) const {
  std::vector<std::string> shown;
  for (const auto& term : terms_) shown.push_back(read(term, errors, attempts, latency).shown);
  return fmt::format("{}", fmt::join(shown, ", "));
}

std::optional<std::string> slo_breach(const WorkloadResult& workload,
                                      const std::map<std::string, std::string>& slo) {
  return ServiceLevel(slo).breach(workload.error_count(), workload.attempts(), workload.latency);
}

CapacitySearcher::CapacitySearcher(const std::map<std::string, std::string>& slo, Duration interval,
                                   Duration window)
    : slo_(slo),
      window_(window),
      span_(std::max<size_t>(1, static_cast<size_t>(std::llround(
                                    seconds(window) / std::max(seconds(interval), 1e-3))))),
      ring_(span_) {
  if (slo_.empty())
    search_.why = "a capacity search needs the scenario's slo: (e.g. errors.rate: \"< 1%\")";
}

void CapacitySearcher::add(const WorkloadInterval& interval, Duration end, Duration length) {
  if (slo_.empty()) return;
  Step& step = ring_[seen_ % span_];
  step.latency.reset();
  step.latency.merge(interval.latency);
  step.successes = interval.ok + interval.expected_failures;
  step.errors = interval.error_count();
  step.attempts = interval.attempts();
  step.dropped = interval.dropped;
  step.end = end;
  step.length = length;
  ++seen_;
  if (seen_ < span_) return;
  // The window: the last span_ intervals, its histogram their sum.
  merged_.reset();
  uint64_t successes = 0, errors = 0, attempts = 0, dropped = 0;
  bool every_one_loaded = true;
  Duration covered{}, from = Duration::max();
  for (const Step& s : ring_) {
    merged_.merge(s.latency);
    successes += s.successes;
    errors += s.errors;
    attempts += s.attempts;
    dropped += s.dropped;
    covered += s.length;
    from = std::min(from, s.end - s.length);
    every_one_loaded = every_one_loaded && s.attempts > 0;
  }
  // Percentiles of a window with only errors are 0: judge it by its errors alone.
  const bool met = dropped == 0 && !slo_.breach(errors, attempts, merged_);
  if (!met && attempts + dropped > 0) search_.slo_broken = true;
  const double rate = seconds(covered) > 0 ? static_cast<double>(successes) / seconds(covered) : 0;
  search_.highest_rate = std::max(search_.highest_rate, rate);
  if (met && every_one_loaded && rate > search_.capacity.value_or(-1)) {
    search_.capacity = rate;
    search_.evidence = fmt::format("the {} from {} meeting the SLO", format_duration(window_),
                                   format_duration(from));
  }
}

CapacitySearch CapacitySearcher::result() const {
  CapacitySearch search = search_;
  if (search.why.empty() && seen_ == 0) search.why = "the timeline has no recorded interval";
  if (search.why.empty() && seen_ < span_)
    search.why = fmt::format("fewer recorded intervals than a {} window", format_duration(window_));
  return search;
}

}  // namespace loadgate
