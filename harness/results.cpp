#include "harness/results.h"

#include <algorithm>

namespace loadgate {
namespace {

uint64_t sum(const ErrorCounts& errors) {
  uint64_t total = 0;
  for (const auto& [error_class, count] : errors) total += count;
  return total;
}

}  // namespace

uint64_t WorkloadResult::error_count() const {
  return sum(errors);
}

void WorkloadResult::merge(const WorkloadResult& other) {
  scheduled += other.scheduled;
  dropped += other.dropped;
  ok += other.ok;
  expected_failures += other.expected_failures;
  for (const auto& [error_class, count] : other.errors) errors[error_class] += count;
  peak_vus = std::max(peak_vus, other.peak_vus);
  latency.merge(other.latency);
  service_time.merge(other.service_time);
  schedule_lag.merge(other.schedule_lag);
  error_latency.merge(other.error_latency);
}

void WorkloadInterval::merge(const WorkloadInterval& other) {
  ok += other.ok;
  expected_failures += other.expected_failures;
  dropped += other.dropped;
  for (const auto& [error_class, count] : other.errors) errors[error_class] += count;
  in_flight += other.in_flight;
  vus += other.vus;
  latency.merge(other.latency);
  schedule_lag.merge(other.schedule_lag);
}

uint64_t WorkloadInterval::attempts() const {
  return ok + expected_failures + sum(errors);
}

uint64_t IntervalPoint::error_count() const {
  return sum(errors);
}

TimelinePoint timeline_point(const IntervalSample& sample) {
  TimelinePoint point{sample.index, sample.end,           sample.length,
                      sample.phase, sample.generator_cpu, {}};
  for (const auto& w : sample.workloads) {
    const Histogram& h = w.latency;
    point.workloads.push_back({w.name, w.ok, w.expected_failures, w.dropped, w.in_flight, w.vus,
                               w.errors, h.value_at_percentile(50), h.value_at_percentile(90),
                               h.value_at_percentile(95), h.value_at_percentile(99),
                               h.value_at_percentile(99.9), h.max(),
                               w.schedule_lag.value_at_percentile(99), w.schedule_lag.max()});
  }
  return point;
}

std::map<std::string, std::vector<std::pair<Duration, double>>> Observations::series() const {
  std::map<std::string, std::vector<std::pair<Duration, double>>> all;
  for (const auto& sample : samples)
    for (const auto& [name, value] : sample.gauges) all[name].emplace_back(sample.at, value);
  return all;
}

std::optional<double> Observations::max(const std::string& gauge, Duration from,
                                        Duration to) const {
  std::optional<double> highest;
  for (const auto& sample : samples) {
    if (sample.at < from || sample.at > to) continue;
    if (auto it = sample.gauges.find(gauge); it != sample.gauges.end())
      highest = std::max(highest.value_or(it->second), it->second);
  }
  return highest;
}

const char* status_name(ClaimVerdict::Status status) {
  switch (status) {
    case ClaimVerdict::Status::held:
      return "held";
    case ClaimVerdict::Status::broken:
      return "broken";
    case ClaimVerdict::Status::not_measured:
      return "not measured";
  }
  return "?";
}

}  // namespace loadgate
