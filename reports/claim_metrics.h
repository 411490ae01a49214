// The metrics a claim can name, measured from a run's results:
//   <workload>.throughput[_per_instance|_per_vcpu]                 successes/s (a rate)
//   <workload>.capacity[_per_instance|_per_vcpu]   the highest rate sustained within the SLO
//                                                  (reports/service_level.h)
//   <workload>.latency.p50|p90|p95|p99|p99.9|max                   from intended start
//   <workload>.errors.rate                                         errors / attempts (a share)
//   <workload>.concurrency[_per_instance]    peak VUs, or peak requests in flight (open model)
//   <workload>.requests                                            attempts (a count)
//   ledger.lost                                                    acknowledged writes missing
//   fault.<kind>.downtime|first_error|first_success|recovered[.max]  worst workload, worst window
//   fault.<kind>.<timing>[.max]        a fault's own timing: fault.wake.held_for, ...promoted
//   fault.<kind>.clients_not_recovered                             pool connections and VUs
//   db.<gauge>.max, pgbouncer.<gauge>.max, process.<role>.cpu|rss.max   the deployment observer's
//                                      highest sample (faults/deployment_observer.h lists gauges)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/expectation.h"
#include "harness/results.h"

namespace loadgate {

struct Measurement {
  std::optional<double> value;  // empty: not measured, see `why`
  Quantity quantity = Quantity::count;
  std::optional<double> offered;  // throughput: the rate the run offered, in the same terms
  double counting_noise = 0;  // throughput: 3 standard deviations of the arrivals' count, as a rate
  bool from_load = false;     // a workload's numbers: void when the generator was the limit
  // Capacity: whether the search found where the SLO broke (if not, a capacity below the claim
  // only says the run did not offer enough), and the highest rate it saw.
  bool ceiling_found = true;
  double highest_rate = 0;
  std::string evidence;  // what it was measured over
  std::string why;       // why it was not measured
};

Measurement measure(std::string_view metric, const RunResult& run);
// An observed gauge's metric ("db.backend_connections.max": its highest sample) over
// `observations`, which a caller may have narrowed to a phase or a fault window.
Measurement measure_observed(std::string_view metric, const Observations& observations);

}  // namespace loadgate
