// Live metrics while a run goes (`loadgate run --metrics 127.0.0.1:9464`): Prometheus's text
// format at /metrics, fed from the same intervals every other sink gets, so what Prometheus
// counts is what the run's own files count. Every series carries the run's `run_id`; a command
// that runs several (a gate's repeats, a checklist's steps) begins each on the same endpoint,
// and an ended run's series stay at their final values (its loadgate_run_info drops to 0).
//
//   loadgate_requests_total{workload, outcome}      counter; outcome: ok, expected_failure, error
//   loadgate_dropped_requests_total{workload}       counter; due but not sent (max_in_flight)
//   loadgate_errors_total{workload, class}          counter; the run's error classes
//   loadgate_request_duration_seconds{workload}     histogram from the intended start (ok and
//                                                   expected failures), a bucket at each SLO bound
//   loadgate_schedule_lag_max_seconds{workload}     gauge; the last interval's latest start
//   loadgate_in_flight_requests{workload}           gauge
//   loadgate_virtual_users{workload}                gauge; closed-model VUs running
//   loadgate_fault_active{kind, name}               gauge; 1 from a fault's start to its recovery
//   loadgate_observed_value{gauge}                  gauge; each deployment observer gauge
//   loadgate_run_info{scenario}                     gauge; 1 while the run goes
//
// A request's duration falls in a bucket by its HdrHistogram bucket's highest equivalent value
// (3 significant digits), as the run's own percentiles are reported: a request within 0.1 % of
// a bound counts above it here exactly when the run's SLO check counts it above.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/interval_sink.h"

namespace loadgate {

class PrometheusEndpoint : public IntervalSink {
 public:
  struct Run {
    std::string run_id;
    std::string scenario;
    std::vector<std::string> workloads;  // in the plan's order
    // Every SLO latency bound, in seconds: each gets a bucket of its own.
    std::vector<double> latency_bounds_s;
  };
  // Listens at once on host:port (port 0 picks a free one); throws std::runtime_error naming the
  // address when it cannot.
  explicit PrometheusEndpoint(const std::string& listen);
  ~PrometheusEndpoint() override;

  // http://host:port/metrics, with the port it listens on.
  std::string url() const;
  // The series of the run whose intervals come next.
  void begin_run(const Run& run);
  void write(const IntervalRecord& interval) override;
  void observe(const ObservedSample& sample) override;
  void fault(const FaultEvent& event, bool active) override;
  // After the run: waits until a scrape has read the final figures, so Prometheus holds the same
  // totals as the run's files, but no longer than `linger`. True when one did.
  bool await_final_scrape(Duration linger);

  // The default buckets, in seconds, to which the SLO's bounds are added.
  static std::vector<double> bucket_bounds(const std::vector<double>& latency_bounds_s);

 private:
  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
};

// The latency bounds (in seconds) of a scenario's `slo:` (latency.p95: "< 1s" → 1.0), for the
// duration histogram's buckets.
std::vector<double> slo_latency_bounds(const std::map<std::string, std::string>& slo);

}  // namespace loadgate
