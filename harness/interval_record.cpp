#include "harness/interval_record.h"

namespace loadgate {

uint64_t WorkloadInterval::error_count() const {
  return total_errors(errors);
}

void WorkloadInterval::merge(const WorkloadInterval& other) {
  scheduled += other.scheduled;
  dropped += other.dropped;
  ok += other.ok;
  expected_failures += other.expected_failures;
  for (const auto& [error_class, count] : other.errors) errors[error_class] += count;
  in_flight += other.in_flight;
  vus += other.vus;
  latency.merge(other.latency);
  service_time.merge(other.service_time);
  error_latency.merge(other.error_latency);
  schedule_lag.merge(other.schedule_lag);
}

void WorkloadInterval::reset() {
  scheduled = dropped = ok = expected_failures = in_flight = vus = 0;
  errors.clear();
  latency.reset();
  service_time.reset();
  error_latency.reset();
  schedule_lag.reset();
}

}  // namespace loadgate
