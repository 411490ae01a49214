// Network toxics in the testbed's endpoint proxy (between clients and Postgres), on a testbed of
// its own, under load: each shows in the numbers, and everything recovers when it is cleared.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

// The timeline's intervals of `workload` that lie within [from_s, to_s].
std::vector<json> intervals_of(const std::string& timeline_file, const std::string& workload,
                               double from_s, double to_s) {
  std::ifstream in(timeline_file);
  std::vector<json> found;
  for (std::string line; std::getline(in, line);) {
    const json interval = json::parse(line);
    const double end = interval["t"].get<double>();
    if (end - interval["length"].get<double>() < from_s || end > to_s) continue;
    for (const auto& w : interval["workloads"])
      if (w["name"] == workload) found.push_back(w);
  }
  return found;
}

// The intervals of `workload` wholly inside `fault`'s window as it happened (injected to
// recovered), not as planned: on a busy machine a fault can go in late.
std::vector<json> intervals_during(const std::string& timeline_file, const std::string& workload,
                                   const json& fault) {
  return intervals_of(timeline_file, workload, fault["injected_at_s"].get<double>(),
                      fault["recovered_at_s"].get<double>());
}

}  // namespace

TEST_CASE(
    "latency, a partition and reset_peer at the endpoint, latency at the edge: each shows, each "
    "recovers",
    "[faults]") {
  OwnTestbed testbed;
  const LoadgateRun run = testbed.run("toxics", R"yaml(
name: toxics-test
target: {testbed: default, via: edge}
duration: 20s
client: {interval: 250ms}
workloads:
  direct:
    kind: sql
    via: endpoint
    executor: {type: constant-arrival-rate, rate: 50/s}
    tasks: 1
    pool_max: 4
    query_timeout: 1s
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 500ms}
    transactions:
      - {sql: "INSERT INTO items (name, write_id) VALUES ('toxic-test', $1)",
         params: ["{{write_id}}"]}
  items:
    kind: api
    executor: {type: constant-arrival-rate, rate: 20/s}
    requests: [{method: GET, path: "/api/v1/items/{{id}}", expect: 200}]
    ids: {min: 1, max: 100}
faults:
  - {kind: network, at: 2s, recover_after: 3s, toxic: latency, latency: 200ms}
  - {kind: network, at: 7s, recover_after: 2s, toxic: blackhole}
  - {kind: network, at: 11s, recover_after: 2s, toxic: latency, latency: 150ms, proxy: edge-proxy}
  - {kind: network, at: 15s, recover_after: 1s, toxic: reset_peer, after: 0s}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& result = run.result;
  const std::string timeline = run.result_dir + "/timeline.jsonl";
  REQUIRE(result["faults"].size() == 4);
  for (const auto& fault : result["faults"]) {
    INFO(fault.dump());
    CHECK(fault["kind"] == "network");
    CHECK(fault["error"] == "");
    CHECK_FALSE(fault["workloads"][0]["recovered_s"].is_null());
  }

  // Latency: while it was on, every answer took at least the 200 ms (p50 per interval).
  const auto latency_on = intervals_during(timeline, "direct", result["faults"][0]);
  CHECK(latency_on.size() >= 8);
  int slow = 0;
  for (const auto& w : latency_on)
    if (w["ok"].get<int>() > 0) {
      ++slow;
      CHECK(w["latency_us"]["p50"].get<double>() >= 200'000);
    }
  CHECK(slow >= 4);
  // Before it, answers were quick.
  const auto before = intervals_of(timeline, "direct", 0.5, 2.0);
  CHECK(before.size() >= 2);
  for (const auto& w : before) CHECK(w["latency_us"]["p50"].get<double>() < 100'000);

  // The partition: queries timed out (nothing flowed), then the clients came back.
  const json& partition = result["faults"][1]["workloads"][0];
  CHECK(partition["errors"].value("query_timeout", 0) > 0);
  CHECK(partition["downtime_s"].get<double>() >= 1.0);

  // reset_peer: connections were cut (broken, or in doubt at the commit).
  const json& reset = result["faults"][3]["workloads"][0];
  CHECK(reset["errors"].value("broken_connection", 0) + reset["errors"].value("in_doubt", 0) > 0);

  // The edge's latency slowed the API (served through it), not the direct SQL.
  const auto slowed = intervals_during(timeline, "items", result["faults"][2]);
  int answered = 0;
  for (const auto& w : slowed)
    if (w["ok"].get<int>() > 0) {
      ++answered;
      CHECK(w["latency_us"]["p50"].get<double>() >= 150'000);
    }
  CHECK(answered >= 4);
  const auto direct_meanwhile = intervals_during(timeline, "direct", result["faults"][2]);
  CHECK(direct_meanwhile.size() >= 4);
  for (const auto& w : direct_meanwhile) CHECK(w["latency_us"]["p50"].get<double>() < 100'000);
  CHECK(result["targets"][0].get<std::string>().find(
            std::to_string(testbed.process("edge-proxy")["port"].get<int>())) != std::string::npos);

  const json& ledger = result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["lost"] == 0);
  // The proxy has no toxic left.
  CHECK(result["health"]["checked"] == true);  // else no problems is no news
  CHECK(result["health"]["problems"].empty());
}

TEST_CASE("network, failover and wake faults without a testbed are refused before the run",
          "[faults]") {
  for (const char* fault : {"{kind: network, at: 0s, toxic: latency}", "{kind: failover, at: 0s}",
                            "{kind: wake, at: 0s}"}) {
    const std::string scenario = write_scenario("no-testbed.yaml", std::string(R"yaml(
name: no-testbed
target: {urls: [http://127.0.0.1:9]}
duration: 1s
workloads:
  w: {kind: jwt, executor: {type: constant-vus, vus: 1}, secret_env: HOME}
faults:
  - )yaml") + fault + "\n");
    const CommandResult refused = run_command(loadgate_bin() + " run " + scenario);
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains("no-testbed.yaml:8:") &&
                                   (Catch::Contains("needs a testbed") ||
                                    Catch::Contains("drives a local testbed")));
  }
}
