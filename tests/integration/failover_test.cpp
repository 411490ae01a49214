// Multi-AZ failover on a testbed of its own, under write load, run as a user runs it.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

// Writes through the endpoint (no pgbouncer: the failover's own downtime) and through the
// pgbouncers (plus their server_login_retry), each ledgered.
constexpr const char* kWorkloads = R"yaml(
client: {interval: 250ms}
workloads:
  direct:
    kind: sql
    via: endpoint
    executor: {type: constant-arrival-rate, rate: 100/s}
    tasks: 2
    pool_max: 3
    query_timeout: 1s
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 500ms}
    transactions:
      - {sql: "INSERT INTO items (name, write_id) VALUES ('failover-test', $1)",
         params: ["{{write_id}}"]}
)yaml";

double seconds_of(const json& value) {
  return value.is_null() ? -1 : value.get<double>();
}

}  // namespace

TEST_CASE(
    "two failovers in one run, stop then freeze: downtime at least the DNS delay, every client "
    "back, no acknowledged write lost, and the pair fails back",
    "[faults]") {
  OwnTestbed testbed;
  const std::string original_primary = testbed.process("postgres-primary")["data_dir"];
  const LoadgateRun run = testbed.run("failover", std::string(R"yaml(
name: failover-test
target: {testbed: default}
duration: 48s
)yaml") + kWorkloads + R"yaml(
  pooled:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 50/s}
    tasks: 2
    pool_max: 3
    query_timeout: 1s
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 1s}
    transactions:
      - {sql: "INSERT INTO items (name, write_id) VALUES ('failover-test', $1)",
         params: ["{{write_id}}"]}
faults:
  - {kind: failover, at: 2s, mode: stop, dns_delay: 3s}
  - {kind: failover, at: 21s, mode: freeze, dns_delay: 3s}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& result = run.result;
  REQUIRE(result["faults"].size() == 2);
  for (const auto& fault : result["faults"]) {
    INFO(fault.dump());
    CHECK(fault["kind"] == "failover");
    CHECK(fault["error"] == "");
    CHECK(fault["recovered"] == true);
    const json& timings = fault["timings_s"];
    CHECK(seconds_of(timings["promoted"]) > 0);
    CHECK(seconds_of(timings["dns_switched"]) >= 3.0);
    CHECK((timings.contains("rebuild_rewind") || timings.contains("rebuild_basebackup")));

    const json& direct = fault["workloads"][0];
    CHECK(direct["workload"] == "direct");
    // No success while the name pointed nowhere: at least the DNS delay, less the one 250 ms
    // interval the fault may start in, and back soon after the switch.
    CHECK(direct["downtime_s"].get<double>() >= 2.75);
    CHECK(direct["downtime_s"].get<double>() <= 8.0);
    CHECK(seconds_of(direct["recovered_s"]) >= 2.75);
    const json& pooled = fault["workloads"][1];
    CHECK(pooled["workload"] == "pooled");
    CHECK_FALSE(pooled["recovered_s"].is_null());

    REQUIRE_FALSE(fault["clients"].empty());  // else the loops below would check nothing
    REQUIRE(fault["ledgers"].size() == 2);
    for (const auto& clients : fault["clients"]) {
      INFO(clients.dump());
      CHECK(clients["tried"].get<int>() > 0);
      CHECK(clients["recovered"] == clients["tried"]);
    }
    for (const auto& ledger : fault["ledgers"]) {
      CHECK(ledger["verified"] == true);
      CHECK(ledger["lost"] == 0);  // synchronous replication, as Multi-AZ
    }
  }
  REQUIRE(result["ledgers"].size() == 2);  // direct and pooled
  for (const auto& ledger : result["ledgers"]) {
    INFO(ledger.dump());
    CHECK(ledger["verified"] == true);
    CHECK(ledger["acknowledged"].get<int>() > 200);
    CHECK(ledger["lost"] == 0);
  }
  // Failed over and back: the original primary is the primary again, with a streaming standby.
  CHECK(result["health"]["checked"] == true);  // else no problems is no news
  CHECK(result["health"]["problems"].empty());
  CHECK(testbed.process("postgres-primary")["data_dir"] == original_primary);
  CHECK(run_command(loadgate_bin() + " testbed status --dir " + testbed.dir).exit_code == 0);
}

TEST_CASE(
    "asynchronous replication, the primary killed under write load: the ledger says what was "
    "lost, and a loss fails the run",
    "[faults]") {
  OwnTestbed testbed("--async");
  const LoadgateRun run = testbed.run("failover-async", std::string(R"yaml(
name: failover-async-test
target: {testbed: default}
duration: 8s
)yaml") + kWorkloads + R"yaml(
faults:
  - {kind: failover, at: 2s, mode: stop, dns_delay: 1s}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.result.is_object());
  const json& ledger = run.result["ledgers"][0];
  INFO(ledger.dump());
  REQUIRE(ledger["verified"] == true);
  CHECK(ledger["acknowledged"].get<int>() > 200);
  // Asynchronous commits may or may not have reached the standby when the primary died: what
  // matters is that the ledger finds out and the run says so.
  const int lost = ledger["lost"].get<int>();
  WARN(fmt::format("asynchronous failover: {} of {} acknowledged writes lost", lost,
                   ledger["acknowledged"].get<int>()));
  if (lost > 0) {
    CHECK(run.command.exit_code == 1);
    CHECK(ledger["lost_ids"].size() == static_cast<size_t>(std::min(lost, 20)));
    CHECK_THAT(run.command.output, Catch::Contains("LOST"));
  } else {
    CHECK(run.command.exit_code == 0);
  }
  CHECK(run.result["health"]["checked"] == true);  // else no problems is no news
  CHECK(run.result["health"]["problems"].empty());
}

TEST_CASE(
    "Ctrl-C in the middle of a failover still finishes it: endpoint switched, standby rebuilt",
    "[faults]") {
  OwnTestbed testbed;
  const std::string original_primary = testbed.process("postgres-primary")["data_dir"];
  const std::string scenario = write_scenario("failover-interrupted.yaml", std::string(R"yaml(
name: failover-interrupted
target: {testbed: default}
duration: 60s
)yaml") + kWorkloads + R"yaml(
faults:
  - {kind: failover, at: 2s, mode: stop, dns_delay: 30s}
)yaml");
  const auto out = scratch_dir() / "failover-interrupted";
  const auto began = std::chrono::steady_clock::now();
  // SIGINT 5 s in: the primary is gone, the standby promoted, the DNS switch 27 s away.
  const CommandResult run =
      run_command(fmt::format("timeout --preserve-status -s INT 5 {} run {} --testbed {} --out {}",
                              loadgate_bin(), scenario, testbed.dir, out.string()));
  INFO(run.output);
  CHECK(run.exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(25));
  std::ifstream in(out / "result.json");
  REQUIRE(in);
  const json result = json::parse(in);
  CHECK(result["interrupted"] == true);
  REQUIRE(result["faults"].size() == 1);
  CHECK(result["faults"][0]["recovered"] == true);
  CHECK(result["health"]["checked"] == true);  // else no problems is no news
  CHECK(result["health"]["problems"].empty());
  // The promoted standby is the primary; the old one streams from it; the endpoint reaches it.
  CHECK(testbed.process("postgres-primary")["data_dir"] != original_primary);
  CHECK(run_command(loadgate_bin() + " testbed status --dir " + testbed.dir).exit_code == 0);
  const json& ledger = result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["lost"] == 0);
}

TEST_CASE(
    "loadgate killed mid-failover, stopped or frozen: `loadgate recover` rebuilds the lost "
    "primary as the standby",
    "[faults]") {
  OwnTestbed testbed;
  const std::string status = fmt::format("{} testbed status --dir {}", loadgate_bin(), testbed.dir);
  for (const std::string mode : {"stop", "freeze"}) {
    INFO(mode);
    const std::string scenario = write_scenario("kill-mid-failover.yaml", fmt::format(R"yaml(
name: kill-mid-failover
target: {{testbed: default}}
duration: 30s
client: {{interval: 250ms}}
workloads:
  items:
    kind: api
    executor: {{type: constant-arrival-rate, rate: 50/s}}
    ids: {{min: 1, max: 1000}}
    requests: [{{name: read, method: GET, path: "/api/v1/items/{{{{id}}}}", expect: 200}}]
faults:
  - {{kind: failover, at: 2s, recover_after: 25s, mode: {}, dns_delay: 1s}}
)yaml",
                                                                                      mode));
    const auto out = scratch_dir() / ("kill-mid-failover-" + mode);
    std::filesystem::remove_all(out);
    const pid_t run = spawn_detached(
        {{loadgate_bin(), "run", scenario, "--testbed", testbed.dir, "--out", out.string()},
         scratch_dir() / ("kill-mid-failover-" + mode + ".log"),
         std::nullopt,
         {}});
    // Promoted and switched by 2 s + 1 s; the rebuild would come at 27 s.
    std::this_thread::sleep_for(std::chrono::seconds(6));
    ::kill(run, SIGKILL);
    const std::string before = run_command(status).output;
    CHECK_THAT(before, Catch::Contains("DEGRADED"));
    // A frozen primary still has its port open: only its process state tells.
    if (mode == "freeze") CHECK_THAT(before, Catch::Contains("FROZEN"));
    const CommandResult recovered =
        run_command(fmt::format("{} recover {}", loadgate_bin(), out.string()));
    INFO(recovered.output);
    CHECK(recovered.exit_code == 0);
    CHECK_THAT(recovered.output, Catch::Contains("recovering failover"));
    CHECK_THAT(run_command(status).output, Catch::Contains("healthy"));
  }
}
