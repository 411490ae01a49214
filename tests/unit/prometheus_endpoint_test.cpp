// The live metrics endpoint, fed intervals in-process and read over loopback as a scraper would.
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "reports/prometheus_endpoint.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

// The text a scraper gets ("" when none); callable from any thread (it asserts nothing).
std::string scrape(const std::string& url) {
  std::string text;
  FILE* curl = popen(fmt::format("curl -sf --max-time 5 {}", url).c_str(), "r");
  if (curl == nullptr) return text;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, curl)) > 0;) text.append(buffer, n);
  pclose(curl);
  return text;
}

std::unique_ptr<PrometheusEndpoint> endpoint(const std::string& run_id = "run-7") {
  auto metrics = std::make_unique<PrometheusEndpoint>("127.0.0.1:0");
  metrics->begin_run({run_id, "shop", {"items"}, {1.0}});
  return metrics;
}

IntervalRecord interval(uint64_t ok, uint64_t not_found) {
  IntervalRecord record;
  WorkloadInterval w;
  w.name = "items";
  w.ok = ok;
  w.errors["http_404"] = not_found;
  w.in_flight = 3;
  for (uint64_t i = 0; i + 2 < ok; ++i) w.latency.record(500);  // 0.5 ms
  w.latency.record(999'000);                                    // just under the SLO's bound
  w.latency.record(3'000'000);
  w.schedule_lag.record(2'000);
  record.workloads.push_back(std::move(w));
  return record;
}

}  // namespace

TEST_CASE("the SLO's latency bounds become buckets of their own, beside the defaults") {
  CHECK(slo_latency_bounds({{"latency.p95", "< 750ms"}, {"errors.rate", "< 1%"}}) ==
        std::vector<double>{0.75});
  const auto bounds = PrometheusEndpoint::bucket_bounds({0.75, 1.0});
  CHECK(std::is_sorted(bounds.begin(), bounds.end()));
  CHECK(std::count(bounds.begin(), bounds.end(), 0.75) == 1);
  CHECK(std::count(bounds.begin(), bounds.end(), 1.0) == 1);  // a default already: once
}

TEST_CASE("the endpoint serves what its intervals counted, in Prometheus's text format") {
  auto endpoint_of_run = endpoint();
  PrometheusEndpoint& metrics = *endpoint_of_run;
  REQUIRE_THAT(metrics.url(), Contains("http://127.0.0.1:"));
  metrics.write(interval(10, 2));
  metrics.write(interval(5, 1));
  FaultEvent drill{"drill", "command drill", "command"};
  metrics.fault(drill, true);
  metrics.observe({std::chrono::seconds(1), {{"db.replica_lag", 0.25}}});
  const std::string text = scrape(metrics.url());
  INFO(text);
  const char* id = "run_id=\"run-7\"";  // labels come sorted by name
  CHECK_THAT(text,
             Contains(fmt::format(
                 "loadgate_requests_total{{outcome=\"ok\",{},workload=\"items\"}} 15", id)) &&
                 Contains(fmt::format(
                     "loadgate_requests_total{{outcome=\"error\",{},workload=\"items\"}} 3", id)) &&
                 Contains(fmt::format(
                     "loadgate_errors_total{{class=\"http_404\",{},workload=\"items\"}} 3", id)));
  // 8 + 3 requests at 0.5 ms, 2 just under 1 s (in the le="1" bucket), 2 at 3 s.
  CHECK_THAT(text, Contains(fmt::format("loadgate_request_duration_seconds_bucket{{{},"
                                        "workload=\"items\",le=\"0.0005\"}} 11",
                                        id)) &&
                       Contains(fmt::format("loadgate_request_duration_seconds_bucket{{{},"
                                            "workload=\"items\",le=\"1\"}} 13",
                                            id)) &&
                       Contains(fmt::format("loadgate_request_duration_seconds_bucket{{{},"
                                            "workload=\"items\",le=\"2.5\"}} 13",
                                            id)) &&
                       Contains(fmt::format("loadgate_request_duration_seconds_count{{{},"
                                            "workload=\"items\"}} 15",
                                            id)));
  CHECK_THAT(text, Contains(fmt::format(
                       "loadgate_fault_active{{kind=\"drill\",name=\"command drill\",{}}} 1", id)));
  CHECK_THAT(text, Contains(fmt::format(
                       "loadgate_observed_value{{gauge=\"db.replica_lag\",{}}} 0.25", id)));
  CHECK_THAT(text,
             Contains(fmt::format("loadgate_in_flight_requests{{{},workload=\"items\"}} 3", id)));
  metrics.fault(drill, false);
  CHECK_THAT(scrape(metrics.url()),
             Contains(fmt::format(
                 "loadgate_fault_active{{kind=\"drill\",name=\"command drill\",{}}} 0", id)));
}

TEST_CASE("a command's second run counts under its own run_id, the first keeps its final figures") {
  auto metrics = endpoint("gate/repeat-1");
  metrics->write(interval(10, 2));
  metrics->begin_run({"gate/repeat-2", "shop", {"items"}, {1.0}});
  metrics->write(interval(5, 1));
  const std::string text = scrape(metrics->url());
  INFO(text);
  for (const auto& [run, ok, errors, running] :
       {std::tuple{"gate/repeat-1", 10, 2, 0}, std::tuple{"gate/repeat-2", 5, 1, 1}}) {
    CHECK_THAT(text, Contains(fmt::format("loadgate_requests_total{{outcome=\"ok\",run_id=\"{}\","
                                          "workload=\"items\"}} {}",
                                          run, ok)));
    CHECK_THAT(text, Contains(fmt::format("loadgate_errors_total{{class=\"http_404\",run_id=\"{}\","
                                          "workload=\"items\"}} {}",
                                          run, errors)));
    CHECK_THAT(text, Contains(fmt::format("loadgate_run_info{{run_id=\"{}\",scenario=\"shop\"}} {}",
                                          run, running)));
  }
}

TEST_CASE("after the run, the endpoint waits for a scrape that reads the end, but not forever") {
  auto endpoint_of_run = endpoint();
  PrometheusEndpoint& metrics = *endpoint_of_run;
  CHECK_FALSE(metrics.await_final_scrape(std::chrono::milliseconds(100)));  // nobody scrapes
  std::thread scraper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    scrape(metrics.url());
  });
  CHECK(metrics.await_final_scrape(std::chrono::seconds(10)));
  scraper.join();
}

TEST_CASE("an address the endpoint cannot listen on is refused, naming it") {
  CHECK_THROWS_WITH(PrometheusEndpoint("127.0.0.1"),
                    Contains("--metrics 127.0.0.1: give host:port"));
  auto first = endpoint();
  const std::string taken = first->url().substr(7, first->url().find("/metrics") - 7);
  CHECK_THROWS_WITH(PrometheusEndpoint(taken),
                    Contains(fmt::format("--metrics {}: cannot listen there", taken)));
}
