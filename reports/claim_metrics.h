// The metrics a claim can name, measured from a run's results:
//   <workload>.throughput[_per_instance|_per_vcpu]                 successes/s (a rate)
//   <workload>.capacity[_per_instance|_per_vcpu]   the highest rate sustained within the SLO
//                                                  (reports/service_level.h)
//   <workload>.latency.p50|p90|p95|p99|p99.9|max                   from intended start
//   <workload>.errors.rate                                         errors / attempts (a share)
//   <workload>.latency.pN.slope, <workload>.errors.rate.slope      the change per hour of the
//                                      soak's windowed figure (`loadgate soak`), with its margin
//   <workload>.concurrency[_per_instance]    peak VUs, or peak requests in flight (open model)
//   <workload>.requests                                            attempts (a count)
//   ledger.lost                                                    acknowledged writes missing
//   fault.<kind>.downtime|first_error|first_success|recovered[.max]  worst workload, worst window
//   fault.<kind>.<timing>[.max]        a fault's own timing: fault.wake.held_for, ...promoted
//   fault.<kind>.clients_not_recovered                             pool connections and VUs
//   db.<gauge>, pgbouncer.<gauge>, process.<role>.cpu|rss, command.<name>   the deployment
//                                      observer's gauges (observe/deployment_observer.h), each
//                                      .max (its highest sample, the default), .min, .rise (its
//                                      highest less its first sample in the scope) or .rose_after
//                                      (s from its first sample to the first above it) or .slope
//                                      (its least-squares change per hour: a leak, with margin)
// A workload's and an observed gauge's metrics are measured over a scope: the recorded totals,
// one phase, or the fault windows of a kind; every one of them from the scope's merged
// intervals, so a window's p99 is the p99 of the requests in it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/expectation.h"
#include "harness/results.h"

namespace loadgate {

struct Measurement {
  std::optional<double> value;  // empty: not measured, see `why`
  Quantity quantity = Quantity::count;
  std::optional<double> offered;  // throughput: the rate the run offered, in the same terms
  double counting_noise = 0;  // throughput: 3 standard deviations of the arrivals' count, as a rate
  // A slope's 95 % confidence half-width: a claim holds only when the whole interval is within
  // its bound, is broken only when the whole interval is beyond it, and is not measured between.
  std::optional<double> margin;
  bool from_load = false;  // a workload's numbers: void when the generator was the limit
  // Capacity: whether the search found where the SLO broke (if not, a capacity below the claim
  // only says the run did not offer enough), and the highest rate it saw.
  bool ceiling_found = true;
  double highest_rate = 0;
  std::string evidence;  // what it was measured over
  std::string why;       // why it was not measured
};

// A stretch of the run a claim is judged over. Views into a RunResult, which must outlive it.
struct MeasuredScope {
  std::string label;  // "over the recorded phases", "in phase steady", "during failover"
  const std::vector<WorkloadResult>* workloads = nullptr;
  Duration length{};  // what a rate is over
  const GeneratorCheck* generator = nullptr;
  const ObservedPeaks* observed = nullptr;
  size_t intervals = 0;  // a fault window's
  bool fault_window = false;
};

MeasuredScope totals_scope(const RunResult& run);
std::optional<MeasuredScope> phase_scope(const RunResult& run, const std::string& phase);
// Empty when the run was not folded for this scope (reports/run_fold.h FoldRequest).
std::optional<MeasuredScope> window_scope(const RunResult& run, const FaultWindowScope& scope);

// What a metric's first part names: an observed gauge (db, pgbouncer, process, command), or any
// kind of metric that is not a workload's (those, fault and ledger).
bool is_gauge_prefix(std::string_view first);
bool is_metric_prefix(std::string_view first);

Measurement measure(std::string_view metric, const RunResult& run, const MeasuredScope& scope);
inline Measurement measure(std::string_view metric, const RunResult& run) {
  return measure(metric, run, totals_scope(run));
}
// An observed gauge's metric ("db.backend_connections.max": its highest sample) over `peaks`.
Measurement measure_observed(std::string_view metric, const ObservedPeaks& peaks);

// What a metric may name in a run, to refuse a typo before the run rather than call it "not
// measured" after it.
struct MetricVocabulary {
  std::vector<std::string> workloads;    // the run's
  std::vector<std::string> phases;       // the run's
  std::vector<std::string> fault_kinds;  // every kind loadgate injects, and the run's own
  std::map<std::string, std::vector<std::string>> fault_timings;  // of the run's kinds, by kind
  std::vector<std::string> gauges;          // every gauge the observer may sample
  std::vector<std::string> gauge_prefixes;  // and families of them: "db.application."
};
// Why `metric` cannot be measured in any run like this one ("no metric 'latency.p955' of a
// workload", "no workload 'itmes' (did you mean 'items'?)"), or nothing. A name merely absent
// from this run (a claim pack's workload the scenario does not have) is not a problem: it is
// "not measured" after the run, with why.
std::optional<std::string> metric_problem(std::string_view metric, const MetricVocabulary& names);

}  // namespace loadgate
