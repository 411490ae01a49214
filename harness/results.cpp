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
