// Aurora scale-from-zero on a testbed of its own: the load pauses, the endpoint pauses Postgres,
// and the next connections wake it. A client whose connect timeout is shorter than the wake must
// be seen failing (the planted problem); a patient one waits it out.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

TEST_CASE(
    "a 10 s wake: a client with a 2 s connect timeout fails through it, a patient one waits, "
    "both come back",
    "[faults]") {
  OwnTestbed testbed;
  // Both go straight to the endpoint (no pgbouncer keeping connections) and close connections
  // idle for 1 s, so the endpoint is idle soon after the load pauses from 4 s to 8 s.
  const LoadgateRun run = testbed.run("wake", R"yaml(
name: wake-test
target: {testbed: default}
duration: 26s
client: {interval: 250ms}
workloads:
  hasty:
    kind: sql
    via: endpoint
    executor:
      type: ramping-arrival-rate
      start_rate: 20/s
      stages:
        - {target: 20/s, duration: 4s}
        - {target: 0/s, duration: 0s}
        - {target: 0/s, duration: 4s}
        - {target: 20/s, duration: 0s}
    pool_max: 2
    connect_timeout: 2s
    query_timeout: 2s
    max_idle: 1s
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 500ms}
    transactions: [{autocommit: true, sql: "SELECT 1"}]
  patient:
    kind: sql
    via: endpoint
    executor:
      type: ramping-arrival-rate
      start_rate: 5/s
      stages:
        - {target: 5/s, duration: 4s}
        - {target: 0/s, duration: 0s}
        - {target: 0/s, duration: 4s}
        - {target: 5/s, duration: 0s}
    pool_max: 1
    connect_timeout: 30s
    query_timeout: 30s
    pool_wait_timeout: 30s
    max_idle: 1s
    transactions: [{autocommit: true, sql: "SELECT 1"}]
faults:
  - {kind: wake, at: 4s, idle_seconds: 1, resume_delay: 10s, wait_for_idle: 4s}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& result = run.result;
  REQUIRE(result["faults"].size() == 1);
  const json& fault = result["faults"][0];
  INFO(fault.dump());
  CHECK(fault["error"] == "");
  const json& timings = fault["timings_s"];
  CHECK(timings["resume_delay"].get<double>() == Approx(10.0));
  // The first connection waited for Postgres to start plus the modelled delay.
  CHECK(timings["held_for"].get<double>() >= 10.0);
  CHECK(timings["held_for"].get<double>() <= 20.0);
  CHECK(timings["paused_after"].get<double>() >= 1.0);

  // The hasty client saw connect timeouts, as it would on Aurora, and then succeeded again.
  const json& hasty = result["workloads"][0];
  CHECK(hasty["name"] == "hasty");
  CHECK(hasty["errors"].value("connect_timeout", 0) > 0);
  const json& hasty_impact = fault["workloads"][0];
  CHECK_FALSE(hasty_impact["recovered_s"].is_null());
  // The pause in the load (4 s to 8 s) is not downtime; the wake (about 10 s) is.
  CHECK(hasty_impact["downtime_s"].get<double>() >= 8.0);
  CHECK(hasty_impact["downtime_s"].get<double>() <= 14.0);

  // The patient client never failed: it waited the wake out.
  const json& patient = result["workloads"][1];
  CHECK(patient["name"] == "patient");
  CHECK(patient["errors"].empty());
  CHECK(patient["latency_us"]["max"].get<double>() >= 9e6);
  CHECK(result["health"]["checked"] == true);  // else no problems is no news
  CHECK(result["health"]["problems"].empty());
}

TEST_CASE("a wake that never finds the endpoint idle fails clearly and leaves Postgres running",
          "[faults]") {
  OwnTestbed testbed;
  // The pool never closes its connections, so the endpoint is never idle.
  const LoadgateRun run = testbed.run("wake-busy", R"yaml(
name: wake-busy
target: {testbed: default}
duration: 6s
workloads:
  busy:
    kind: sql
    via: endpoint
    executor: {type: constant-arrival-rate, rate: 20/s}
    pool_max: 2
    transactions: [{autocommit: true, sql: "SELECT 1"}]
faults:
  - {kind: wake, at: 1s, idle_seconds: 1, wait_for_idle: 2s}
)yaml");
  INFO(run.command.output);
  CHECK(run.command.exit_code == 2);
  CHECK_THAT(run.command.output,
             Catch::Contains("the endpoint never went 1s without a connection"));
  CHECK(run.result["workloads"][0]["errors"].empty());
  CHECK(run.result["health"]["checked"] == true);  // else no problems is no news
  CHECK(run.result["health"]["problems"].empty());
}
