#include "reports/prometheus_endpoint.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "harness/expectation.h"

namespace loadgate {
namespace {

// Counts scrapes. Registered before the registry, so a scrape counted after the last write
// collects the registry after it too: it carries the final figures.
class ScrapeCounter : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    scrapes_.fetch_add(1);
    return {};
  }
  uint64_t scrapes() const { return scrapes_.load(); }

 private:
  mutable std::atomic<uint64_t> scrapes_{0};
};

// Prometheus's own default buckets, finer at the low end where loopback latencies fall.
const std::vector<double> kDefaultBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};

double seconds(int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

}  // namespace

struct PrometheusEndpoint::Metrics {
  struct Workload {
    prometheus::Counter *ok, *expected, *error, *dropped;
    prometheus::Histogram* duration;
    prometheus::Gauge *lag, *in_flight, *vus;
  };

  std::shared_ptr<ScrapeCounter> scrapes = std::make_shared<ScrapeCounter>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string host;
  std::vector<double> buckets;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  prometheus::Family<prometheus::Gauge>* faults = nullptr;
  prometheus::Family<prometheus::Gauge>* observed = nullptr;
  std::vector<Workload> workloads;
  std::vector<double> increments;  // reused: one slot per bucket and +Inf
};

std::vector<double> PrometheusEndpoint::bucket_bounds(const std::vector<double>& latency_bounds_s) {
  std::vector<double> bounds = kDefaultBuckets;
  bounds.insert(bounds.end(), latency_bounds_s.begin(), latency_bounds_s.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

std::vector<double> slo_latency_bounds(const std::map<std::string, std::string>& slo) {
  std::vector<double> bounds;
  for (const auto& [metric, expectation] : slo) {
    const Expectation e = parse_expectation(expectation);  // the plan checked it already
    if (e.quantity() != Quantity::duration) continue;
    bounds.push_back(e.bound.amount);
    if (e.op == Expectation::Op::between) bounds.push_back(e.upper.amount);
  }
  return bounds;
}

PrometheusEndpoint::PrometheusEndpoint(Options options) : metrics_(std::make_unique<Metrics>()) {
  Metrics& m = *metrics_;
  const auto colon = options.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == options.listen.size())
    throw std::runtime_error(
        fmt::format("--metrics {}: give host:port (127.0.0.1:9464)", options.listen));
  m.host = options.listen.substr(0, colon);
  try {
    m.exposer = std::make_unique<prometheus::Exposer>(options.listen, 2);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("--metrics {}: cannot listen there ({})", options.listen, e.what()));
  }
  // Every family carries the run's id.
  const prometheus::Labels run{{"run_id", options.run_id}};
  auto family = [&](auto builder, const std::string& name, const std::string& help) -> auto& {
    return builder.Name(name).Help(help).Labels(run).Register(*m.registry);
  };
  auto& info = family(prometheus::BuildGauge(), "loadgate_run_info",
                      "The run loadgate is doing: 1, labelled with its scenario");
  info.Add({{"scenario", options.scenario}}).Set(1);
  auto& requests = family(prometheus::BuildCounter(), "loadgate_requests_total",
                          "Requests completed, by outcome (ok, expected_failure, error)");
  auto& dropped = family(prometheus::BuildCounter(), "loadgate_dropped_requests_total",
                         "Requests due but not sent: max_in_flight was reached");
  m.errors = &family(prometheus::BuildCounter(), "loadgate_errors_total",
                     "Failed requests by error class");
  auto& duration = family(prometheus::BuildHistogram(), "loadgate_request_duration_seconds",
                          "Time from a request's intended start to its response (ok and "
                          "expected failures), with a bucket at each SLO bound");
  auto& lag = family(prometheus::BuildGauge(), "loadgate_schedule_lag_max_seconds",
                     "How late the latest request of the last interval started");
  auto& in_flight = family(prometheus::BuildGauge(), "loadgate_in_flight_requests",
                           "Requests out at the end of the last interval");
  auto& vus = family(prometheus::BuildGauge(), "loadgate_virtual_users",
                     "Closed-model virtual users running");
  m.faults = &family(prometheus::BuildGauge(), "loadgate_fault_active",
                     "1 from a fault's injection to its recovery");
  m.observed = &family(prometheus::BuildGauge(), "loadgate_observed_value",
                       "The deployment observer's gauges, by name (db.replica_lag, ...)");
  m.buckets = bucket_bounds(options.latency_bounds_s);
  m.increments.assign(m.buckets.size() + 1, 0);
  for (const auto& name : options.workloads) {
    const prometheus::Labels w{{"workload", name}};
    auto outcome = [&](const char* o) {
      return &requests.Add({{"workload", name}, {"outcome", o}});
    };
    m.workloads.push_back({outcome("ok"), outcome("expected_failure"), outcome("error"),
                           &dropped.Add(w), &duration.Add(w, m.buckets), &lag.Add(w),
                           &in_flight.Add(w), &vus.Add(w)});
  }
  m.exposer->RegisterCollectable(m.scrapes);
  m.exposer->RegisterCollectable(m.registry);
}

PrometheusEndpoint::~PrometheusEndpoint() = default;

std::string PrometheusEndpoint::url() const {
  const auto ports = metrics_->exposer->GetListeningPorts();
  return fmt::format("http://{}:{}/metrics", metrics_->host, ports.empty() ? 0 : ports.front());
}

void PrometheusEndpoint::write(const IntervalRecord& interval) {
  Metrics& m = *metrics_;
  for (size_t i = 0; i < interval.workloads.size() && i < m.workloads.size(); ++i) {
    const WorkloadInterval& w = interval.workloads[i];
    Metrics::Workload& out = m.workloads[i];
    out.ok->Increment(static_cast<double>(w.ok));
    out.expected->Increment(static_cast<double>(w.expected_failures));
    out.error->Increment(static_cast<double>(w.error_count()));
    out.dropped->Increment(static_cast<double>(w.dropped));
    // Family::Add returns the series already there for the same labels.
    for (const auto& [error_class, count] : w.errors)
      m.errors->Add({{"workload", w.name}, {"class", error_class}})
          .Increment(static_cast<double>(count));
    if (w.latency.count() > 0) {
      std::fill(m.increments.begin(), m.increments.end(), 0);
      w.latency.for_each_bucket([&](int64_t highest_micros, uint64_t count) {
        const auto slot =
            std::lower_bound(m.buckets.begin(), m.buckets.end(), seconds(highest_micros)) -
            m.buckets.begin();
        m.increments[static_cast<size_t>(slot)] += static_cast<double>(count);
      });
      out.duration->ObserveMultiple(m.increments, w.latency.sum() / 1e6);
    }
    out.lag->Set(seconds(w.schedule_lag.max()));
    out.in_flight->Set(static_cast<double>(w.in_flight));
    out.vus->Set(static_cast<double>(w.vus));
  }
}

void PrometheusEndpoint::observe(const ObservedSample& sample) {
  for (const auto& [name, value] : sample.gauges)
    metrics_->observed->Add({{"gauge", name}}).Set(value);
}

void PrometheusEndpoint::fault(const FaultEvent& event, bool active) {
  metrics_->faults->Add({{"kind", event.kind}, {"name", event.description}}).Set(active ? 1 : 0);
}

bool PrometheusEndpoint::await_final_scrape(Duration linger) {
  const uint64_t before = metrics_->scrapes->scrapes();
  const auto deadline = Clock::now() + linger;
  while (Clock::now() < deadline) {
    if (metrics_->scrapes->scrapes() > before) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace loadgate
