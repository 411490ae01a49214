// `loadgate run --metrics`, scraped by a real Prometheus server (ci/prometheus-server, Debian's
// prometheus) on loopback every second: what Prometheus stored must be what the run counted.
#include <catch2/catch.hpp>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// Up for the test, down at its end whatever happened.
struct PrometheusServer {
  std::filesystem::path dir = scratch_dir() / "prometheus";
  uint16_t port = find_free_port();

  explicit PrometheusServer(uint16_t target_port) {
    const CommandResult start = run_command(
        fmt::format("{} start {} {} 127.0.0.1:{}", script(), dir.string(), port, target_port));
    INFO(start.output);
    REQUIRE(start.exit_code == 0);
  }
  ~PrometheusServer() { run_command(fmt::format("{} stop {}", script(), dir.string())); }

  // An instant query's result (at `time`, unix seconds, or now).
  json query(const std::string& promql, const std::string& time = "") const {
    const CommandResult q =
        run_command(fmt::format("{} query {} '{}' {}", script(), dir.string(), promql, time));
    INFO(promql << ": " << q.output);
    REQUIRE(q.exit_code == 0);
    return json::parse(q.output)["data"]["result"];
  }
  // The single value of an instant query's vector result; NaN when it has none.
  double value(const std::string& promql) const {
    const json result = query(promql);
    if (result.empty()) return std::nan("");
    return std::stod(result[0]["value"][1].get<std::string>());
  }

  static std::string script() { return source_dir() + "/ci/prometheus-server"; }
};

// Every request a workload of result.json finished, as Prometheus counts them.
double attempts_of(const json& workload) {
  return workload["ok"].get<double>() + workload["error_count"].get<double>() +
         workload["expected_failures"].get<double>();
}

}  // namespace

TEST_CASE(
    "a real Prometheus scraping --metrics every second stores the run's own request count, its "
    "fault and its latency buckets",
    "[testbed]") {
  const uint16_t metrics_port = find_free_port();
  PrometheusServer prometheus(metrics_port);
  // A marker fault by command (the shared testbed's other users must not feel it): it is
  // active from 2 s to 4 s.
  const std::string scenario = write_scenario("metrics.yaml", R"yaml(
name: metrics-live
target: {testbed: default}
duration: 6s
slo: {latency.p99: "< 750ms"}
workloads:
  items:
    kind: api
    executor: {type: constant-arrival-rate, rate: 40/s}
    ids: {min: 1, max: 100}
    requests:
      - {name: read, method: GET, path: "/api/v1/items/{{id}}", expect: 200}
      - {name: missing, method: GET, path: "/api/v1/items/0", expect: 200, weight: 0.25}
faults:
  - {kind: drill, driver: command, name: drill, at: 2s, recover_after: 2s, inject: "true", recover: "true"}
)yaml");
  const auto out = scratch_dir() / "metrics-out";
  // While the run goes, its endpoint is read as Prometheus would and checked by promtool.
  const CommandResult run = run_command(
      fmt::format("{bin} run {scenario} --testbed {testbed} --out {out} --metrics 127.0.0.1:{port} "
                  "--metrics-linger 10s 2>&1 & sleep 3; curl -sf "
                  "http://127.0.0.1:{port}/metrics > {out}.prom; "
                  "promtool check metrics < {out}.prom && echo PROMTOOL-OK; wait $!; echo EXIT=$?",
                  fmt::arg("bin", loadgate_bin()), fmt::arg("scenario", scenario),
                  fmt::arg("testbed", shared_testbed_dir()), fmt::arg("out", out.string()),
                  fmt::arg("port", metrics_port)));
  INFO(run.output);
  REQUIRE_THAT(run.output, Contains("EXIT=1") || Contains("EXIT=0"));
  CHECK_THAT(run.output, Contains("PROMTOOL-OK") && Contains("live metrics at http://127.0.0.1:"));
  CHECK(run.output.find("nothing scraped") == std::string::npos);
  const json result = json_file(out / "result.json");
  const json& items = result["workloads"][0];
  const double attempts = attempts_of(items);
  REQUIRE(attempts > 150);
  // The run's id is its directory's name. Range functions skip the staleness markers Prometheus
  // writes once the endpoint is gone.
  const std::string id = fmt::format("run_id=\"{}\"", out.filename().string());
  CHECK(prometheus.value(
            fmt::format("sum(max_over_time(loadgate_requests_total{{{}}}[5m]))", id)) == attempts);
  CHECK(prometheus.value(fmt::format(
            "sum(max_over_time(loadgate_requests_total{{{},outcome=\"error\"}}[5m]))", id)) ==
        items["error_count"].get<double>());
  CHECK(items["error_count"].get<double>() > 0);  // the 404s of item 0
  CHECK(prometheus.value(
            fmt::format("max_over_time(loadgate_errors_total{{{},class=\"http_404\"}}[5m])", id)) ==
        items["errors"]["http_404"].get<double>());
  CHECK(prometheus.value(
            fmt::format("max_over_time(loadgate_fault_active{{{},kind=\"drill\"}}[5m])", id)) == 1);
  CHECK(prometheus.value(
            fmt::format("min_over_time(loadgate_fault_active{{{},kind=\"drill\"}}[5m])", id)) == 0);
  // The SLO's bound is a bucket of its own; the +Inf bucket counts every ok request.
  CHECK(prometheus.value(fmt::format("max_over_time(loadgate_request_duration_seconds_bucket{{{},"
                                     "le=\"0.75\"}}[5m])",
                                     id)) > 0);
  CHECK(prometheus.value(fmt::format("max_over_time(loadgate_request_duration_seconds_count{{{}}}"
                                     "[5m])",
                                     id)) == items["ok"].get<double>());
  // Every query of the Grafana dashboard in ci/examples/ answers, mid-run, for this run: a
  // renamed metric or a broken expression fails here, not on a user's screen.
  // At the last instant the fault was seen active (however late the run started on a loaded
  // machine): the load had been running for a while by then.
  const json last_active = prometheus.query(
      fmt::format("max_over_time(timestamp(loadgate_fault_active{{{}}} == 1)[5m:1s])", id));
  REQUIRE(last_active.size() == 1);
  const std::string at = last_active[0]["value"][1].get<std::string>();
  const json dashboard = json_file(source_dir() + "/ci/examples/grafana-dashboard.json");
  std::vector<std::pair<std::string, std::string>> queries;
  for (const auto& panel : dashboard["panels"])
    for (const auto& target : panel["targets"])
      queries.emplace_back(panel["title"], target["expr"]);
  for (const auto& annotation : dashboard["annotations"]["list"])
    queries.emplace_back(annotation["name"], annotation["expr"]);
  REQUIRE(queries.size() >= 10);
  for (auto [title, expr] : queries) {
    for (const auto& [variable, value] :
         {std::pair<std::string, std::string>{"$run_id", out.filename().string()},
          {"$__rate_interval", "3s"}})
      for (size_t k; (k = expr.find(variable)) != std::string::npos;)
        expr.replace(k, variable.size(), value);
    INFO(title << ": " << expr);
    CHECK_FALSE(prometheus.query(expr, at).empty());
  }
}

TEST_CASE(
    "a gate's repeats on one --metrics endpoint: a real Prometheus stores each under its own "
    "run_id with that repeat's own request count",
    "[testbed]") {
  const uint16_t metrics_port = find_free_port();
  PrometheusServer prometheus(metrics_port);
  const std::string scenario = write_scenario("gate-metrics.yaml", R"yaml(
name: gate-metrics
target: {testbed: default}
duration: 4s
client: {max_schedule_lag: 1s}  # what is counted is checked here, not how late on a busy machine
workloads:
  items:
    kind: api
    executor: {type: constant-arrival-rate, rate: 40/s}
    ids: {min: 1, max: 100}
    requests:
      - {name: read, method: GET, path: "/api/v1/items/{{id}}", expect: 200}
)yaml");
  const auto out = scratch_dir() / "gate-metrics";
  std::filesystem::remove_all(out);
  const auto baseline = scratch_dir() / "gate-metrics-baseline.json";
  std::filesystem::remove(baseline);
  const CommandResult gate = run_command(
      fmt::format("{} gate {} --testbed {} --repeat 2 --baseline {} --update-baseline --out {} "
                  "--metrics 127.0.0.1:{} --metrics-linger 10s 2>&1",
                  loadgate_bin(), scenario, shared_testbed_dir(), baseline.string(), out.string(),
                  metrics_port),
      120);
  INFO(gate.output);
  REQUIRE(gate.exit_code == 0);
  CHECK(gate.output.find("nothing scraped") == std::string::npos);
  for (int i = 1; i <= 2; ++i) {
    const json items = json_file(out / fmt::format("repeat-{}", i) / "result.json")["workloads"][0];
    const double attempts = attempts_of(items);
    REQUIRE(attempts > 100);
    const std::string id = fmt::format("run_id=\"gate-metrics/repeat-{}\"", i);
    CHECK_THAT(gate.output, Contains(id));
    CHECK(prometheus.value(fmt::format("sum(max_over_time(loadgate_requests_total{{{}}}[5m]))",
                                       id)) == attempts);
    // The first repeat's run ended when the second began; the second's when the gate did.
    CHECK(prometheus.value(fmt::format("max_over_time(loadgate_run_info{{{}}}[5m])", id)) == 1);
  }
  CHECK(prometheus.value(
            "last_over_time(loadgate_run_info{run_id=\"gate-metrics/repeat-1\"}[5m])") == 0);
}
