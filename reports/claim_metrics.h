// The metrics a claim can name, measured from a run's results:
//   <workload>.throughput, <workload>.throughput_per_instance      successes/s (a rate)
//   <workload>.latency.p50|p90|p95|p99|p99.9|max                   from intended start
//   <workload>.errors.rate                                         errors / attempts (a share)
//   <workload>.requests                                            attempts (a count)
//   ledger.lost                                                    acknowledged writes missing
//   fault.<kind>.downtime|first_error|first_success|recovered[.max]  worst workload, worst window
//   fault.<kind>.<timing>[.max]        a fault's own timing: fault.wake.held_for, ...promoted
//   fault.<kind>.clients_not_recovered                             pool connections and VUs
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/results.h"
#include "reports/expectation.h"

namespace loadgate {

struct ClaimContext {
  size_t instances = 0;  // service instances behind the target (0: unknown)
};

struct Measurement {
  std::optional<double> value;  // empty: not measured, see `why`
  Quantity quantity = Quantity::count;
  std::optional<double> offered;  // throughput: the rate the run offered, in the same terms
  double counting_noise = 0;  // throughput: 3 standard deviations of the arrivals' count, as a rate
  bool from_load = false;     // a workload's numbers: void when the generator was the limit
  std::string evidence;       // what it was measured over
  std::string why;            // why it was not measured
};

Measurement measure(std::string_view metric, const RunResult& run, const ClaimContext& context);

}  // namespace loadgate
