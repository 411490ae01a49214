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
  // Every series is labelled with its run's id (Family::Add returns the series already there for
  // the same labels, so an error class or a fault seen again counts on).
  template <typename T, typename... Args>
  T& series(prometheus::Family<T>& family, prometheus::Labels labels, const Args&... args) {
    labels.emplace("run_id", run_id);
    return family.Add(labels, args...);
  }

  std::shared_ptr<ScrapeCounter> scrapes = std::make_shared<ScrapeCounter>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string host;
  prometheus::Family<prometheus::Gauge>* info = nullptr;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Counter>* dropped = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  prometheus::Family<prometheus::Histogram>* duration = nullptr;
  prometheus::Family<prometheus::Gauge>* lag = nullptr;
  prometheus::Family<prometheus::Gauge>* in_flight = nullptr;
  prometheus::Family<prometheus::Gauge>* vus = nullptr;
  prometheus::Family<prometheus::Gauge>* faults = nullptr;
  prometheus::Family<prometheus::Gauge>* observed = nullptr;
  // The run under way.
  std::string run_id;
  prometheus::Gauge* running = nullptr;
  std::vector<double> buckets;
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

PrometheusEndpoint::PrometheusEndpoint(const std::string& listen)
    : metrics_(std::make_unique<Metrics>()) {
  Metrics& m = *metrics_;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::runtime_error(fmt::format("--metrics {}: give host:port (127.0.0.1:9464)", listen));
  m.host = listen.substr(0, colon);
  try {
    m.exposer = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("--metrics {}: cannot listen there ({})", listen, e.what()));
  }
  auto family = [&](auto builder, const std::string& name, const std::string& help) {
    return &builder.Name(name).Help(help).Register(*m.registry);
  };
  m.info = family(prometheus::BuildGauge(), "loadgate_run_info",
                  "The run loadgate is doing: 1 while it goes, labelled with its scenario");
  m.requests = family(prometheus::BuildCounter(), "loadgate_requests_total",
                      "Requests completed, by outcome (ok, expected_failure, error)");
  m.dropped = family(prometheus::BuildCounter(), "loadgate_dropped_requests_total",
                     "Requests due but not sent: max_in_flight was reached");
  m.errors =
      family(prometheus::BuildCounter(), "loadgate_errors_total", "Failed requests by error class");
  m.duration = family(prometheus::BuildHistogram(), "loadgate_request_duration_seconds",
                      "Time from a request's intended start to its response (ok and "
                      "expected failures), with a bucket at each SLO bound");
  m.lag = family(prometheus::BuildGauge(), "loadgate_schedule_lag_max_seconds",
                 "How late the latest request of the last interval started");
  m.in_flight = family(prometheus::BuildGauge(), "loadgate_in_flight_requests",
                       "Requests out at the end of the last interval");
  m.vus = family(prometheus::BuildGauge(), "loadgate_virtual_users",
                 "Closed-model virtual users running");
  m.faults = family(prometheus::BuildGauge(), "loadgate_fault_active",
                    "1 from a fault's injection to its recovery");
  m.observed = family(prometheus::BuildGauge(), "loadgate_observed_value",
                      "The deployment observer's gauges, by name (db.replica_lag, ...)");
  m.exposer->RegisterCollectable(m.scrapes);
  m.exposer->RegisterCollectable(m.registry);
}

void PrometheusEndpoint::begin_run(const Run& run) {
  Metrics& m = *metrics_;
  if (m.running) m.running->Set(0);
  m.run_id = run.run_id;
  m.running = &m.series(*m.info, {{"scenario", run.scenario}});
  m.running->Set(1);
  m.buckets = bucket_bounds(run.latency_bounds_s);
  m.increments.assign(m.buckets.size() + 1, 0);
  m.workloads.clear();
  for (const auto& name : run.workloads) {
    auto outcome = [&](const char* o) {
      return &m.series(*m.requests, {{"workload", name}, {"outcome", o}});
    };
    const prometheus::Labels w{{"workload", name}};
    m.workloads.push_back({outcome("ok"), outcome("expected_failure"), outcome("error"),
                           &m.series(*m.dropped, w), &m.series(*m.duration, w, m.buckets),
                           &m.series(*m.lag, w), &m.series(*m.in_flight, w), &m.series(*m.vus, w)});
  }
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
    for (const auto& [error_class, count] : w.errors)
      m.series(*m.errors, {{"workload", w.name}, {"class", error_class}})
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
    metrics_->series(*metrics_->observed, {{"gauge", name}}).Set(value);
}

void PrometheusEndpoint::fault(const FaultEvent& event, bool active) {
  metrics_->series(*metrics_->faults, {{"kind", event.kind}, {"name", event.description}})
      .Set(active ? 1 : 0);
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
