#include "harness/results.h"

namespace loadgate {

uint64_t WorkloadResult::error_count() const {
  uint64_t total = 0;
  for (const auto& [error_class, count] : errors) total += count;
  return total;
}

void WorkloadResult::merge(const WorkloadResult& other) {
  scheduled += other.scheduled;
  dropped += other.dropped;
  ok += other.ok;
  expected_failures += other.expected_failures;
  for (const auto& [error_class, count] : other.errors) errors[error_class] += count;
  latency.merge(other.latency);
  service_time.merge(other.service_time);
  schedule_lag.merge(other.schedule_lag);
}

}  // namespace loadgate
