// Faults against a testbed of their own (they break it on purpose), under load, run the way a
// user runs them: `loadgate run` on a scenario with a `faults:` list.
#include <catch2/catch.hpp>

#include <signal.h>

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

// ok and error counts of `workload` in the timeline's intervals ending after `from_s`.
std::pair<int, int> counts_after(const std::string& timeline_file, const std::string& workload,
                                 double from_s) {
  std::ifstream in(timeline_file);
  int ok = 0, errors = 0;
  for (std::string line; std::getline(in, line);) {
    const json interval = json::parse(line);
    if (interval["t"].get<double>() <= from_s) continue;
    for (const auto& w : interval["workloads"])
      if (w["name"] == workload) {
        ok += w["ok"].get<int>();
        for (const auto& [error_class, count] : w["errors"].items()) errors += count.get<int>();
      }
  }
  return {ok, errors};
}

}  // namespace

TEST_CASE(
    "pgbouncer killed and restarted, then shut down gracefully: pools with reconnect "
    "recover, a pool without stays broken, no acknowledged write is lost",
    "[faults]") {
  OwnTestbed testbed;
  const int pgbouncer_1 = testbed.pid_of("pgbouncer-1");
  const LoadgateRun run = testbed.run("pgbouncer-restart", R"yaml(
name: pgbouncer-restart-test
target: {testbed: default}
duration: 10s
client: {interval: 250ms}
workloads:
  orders:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 100/s}
    tasks: 2
    pool_max: 4
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 1s}
    transactions:
      - {sql: "INSERT INTO items (name, write_id) VALUES ('fault-test', $1)",
         params: ["{{write_id}}"]}
  stubborn:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 20/s}
    tasks: 1
    pool_max: 2
    reconnect: {enabled: false}
    transactions: [{autocommit: true, sql: "SELECT 1"}]
  users:
    kind: sql
    executor: {type: constant-vus, vus: 3, think: 20ms}
    tasks: 2
    pool_max: 2
    reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 500ms}
    transactions: [{autocommit: true, sql: "SELECT 1"}]
faults:
  - {kind: pgbouncer-restart, at: 2s, mode: kill, which: pgbouncer-1, recover_after: 1s}
  - {kind: pgbouncer-restart, at: 5s, mode: graceful, which: pgbouncer-2}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& result = run.result;
  const std::string out = run.result_dir;

  REQUIRE(result["faults"].size() == 2);
  for (const auto& fault : result["faults"]) {
    INFO(fault.dump());
    CHECK(fault["injected"] == true);
    CHECK(fault["recovered"] == true);
    CHECK(fault["error"] == "");
  }
  CHECK(result["faults"][0]["injected_at_s"].get<double>() >= 2.0);
  // pgbouncer-1 stayed down for recover_after.
  CHECK(result["faults"][0]["recovered_at_s"].get<double>() -
            result["faults"][0]["injected_at_s"].get<double>() >=
        1.0);

  // The orders pools saw the kill (refused connects or broken ones) and recovered: the last
  // 2 s have successes and no errors.
  const json& orders = result["workloads"][0];
  CHECK(orders["errors"].value("connection_refused", 0) +
            orders["errors"].value("broken_connection", 0) >
        0);
  const auto [orders_ok, orders_errors] = counts_after(out + "/timeline.jsonl", "orders", 8.0);
  CHECK(orders_ok > 100);
  CHECK(orders_errors == 0);
  // The pool with reconnecting off (on pgbouncer-1) never recovered.
  const auto [stubborn_ok, stubborn_errors] =
      counts_after(out + "/timeline.jsonl", "stubborn", 8.0);
  CHECK(stubborn_ok == 0);
  CHECK(stubborn_errors > 20);

  // The same, as the first fault window reports it per workload.
  const json& impacts = result["faults"][0]["workloads"];
  REQUIRE(impacts.size() == 3);
  CHECK(impacts[0]["workload"] == "orders");
  CHECK(impacts[0]["first_error_s"].get<double>() <= 1.0);
  // Back only once pgbouncer-1 was (1 s down), and well before the next fault.
  CHECK(impacts[0]["recovered_s"].get<double>() >= 1.0);
  CHECK(impacts[0]["recovered_s"].get<double>() <= 3.0);
  CHECK(impacts[1]["workload"] == "stubborn");
  CHECK(impacts[1]["recovered_s"].is_null());            // NOT RECOVERED
  CHECK(impacts[1]["downtime_s"].get<double>() >= 2.5);  // nothing succeeded from 2 s to 5 s
  // Client by client: every orders connection that tried again succeeded again; both stubborn
  // connections (task 0, on pgbouncer-1) tried and failed, and are named.
  const json& clients = result["faults"][0]["clients"];
  REQUIRE(clients.size() == 4);  // orders, stubborn and users' pool connections; users' VUs
  CHECK(clients[0]["workload"] == "orders");
  CHECK(clients[0]["tried"].get<int>() > 0);
  CHECK(clients[0]["recovered"] == clients[0]["tried"]);
  CHECK(clients[1]["workload"] == "stubborn");
  CHECK(clients[1]["kind"] == "pool connection");
  CHECK(clients[1]["recovered"] == 0);
  CHECK(clients[1]["not_recovered"].get<int>() >= 1);
  CHECK(clients[1]["not_recovered_ids"][0].get<std::string>().rfind("t0.p0.c", 0) == 0);
  // Each of the three virtual users tried again and succeeded.
  CHECK(clients[3]["workload"] == "users");
  CHECK(clients[3]["kind"] == "virtual user");
  CHECK(clients[3]["tried"] == 3);
  CHECK(clients[3]["recovered"] == 3);
  CHECK_THAT(run.command.output, Catch::Contains("stubborn pool connections: 0 of") &&
                                     Catch::Contains("NOT RECOVERED: t0.p0.c"));

  // The deployment's connections were observed around the fault.
  const json& connections = result["faults"][0]["connections"];
  CHECK(connections["postgres_backends"]["before"].get<int>() > 0);
  CHECK(connections["pgbouncer_clients"]["before"].get<int>() > 0);
  CHECK(connections["pgbouncer_servers"]["after"].get<int>() > 0);

  // Read back right after pgbouncer-1 came back, too.
  const json& after_kill = result["faults"][0]["ledgers"][0];
  CHECK(after_kill["verified"] == true);
  CHECK(after_kill["acknowledged"].get<int>() > 0);
  CHECK(after_kill["lost"] == 0);

  const json& ledger = result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["lost"] == 0);
  CHECK(ledger["acknowledged_present"] == ledger["acknowledged"]);

  // The testbed is whole again, with a new pgbouncer-1, and the run said so.
  CHECK(result["health"]["checked"] == true);
  CHECK(result["health"]["problems"].empty());
  CHECK(run_command(loadgate_bin() + " testbed status --dir " + testbed.dir).exit_code == 0);
  CHECK(testbed.pid_of("pgbouncer-1") != pgbouncer_1);

  // A run whose deployment is broken at its end says so, and fails: here the standby died.
  CHECK(run_command(fmt::format("kill -9 {}", testbed.pid_of("postgres-standby"))).exit_code == 0);
  const CommandResult broken = testbed
                                   .run("quick-restart", R"yaml(
name: quick-restart
target: {testbed: default}
duration: 2s
workloads:
  orders:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 20/s}
    transactions: [{autocommit: true, sql: "SELECT 1"}]
faults:
  - {kind: pgbouncer-restart, at: 1s}
)yaml")
                                   .command;
  INFO(broken.output);
  CHECK(broken.exit_code == 2);
  CHECK_THAT(broken.output, Catch::Contains("DEPLOYMENT NOT HEALTHY") &&
                                Catch::Contains("postgres-standby is down"));
}

TEST_CASE("a fault the target cannot have is refused before the run", "[faults]") {
  const std::string scenario = write_scenario("bad-fault.yaml", R"yaml(
name: bad-fault
target: {urls: [http://127.0.0.1:9]}
duration: 2s
workloads:
  w: {kind: jwt, executor: {type: constant-vus, vus: 1}, secret_env: HOME}
faults:
  - {kind: pgbouncer-restart, at: 1s}
  - {kind: failover-of-everything, at: 1s}
)yaml");
  CommandResult run = run_command(loadgate_bin() + " run " + scenario);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Catch::Contains("bad-fault.yaml:8:") && Catch::Contains("drives a local testbed"));
}

TEST_CASE("the admin console pauses and kills a database: clients wait, then are cut off",
          "[faults]") {
  OwnTestbed testbed;
  const LoadgateRun run = testbed.run("pgbouncer-console", R"yaml(
name: pgbouncer-console-test
target: {testbed: default}
duration: 8s
client: {interval: 250ms}
workloads:
  orders:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 100/s}
    tasks: 2
    pool_max: 5
    transactions: [{autocommit: true, sql: "SELECT 1"}]
faults:
  - {kind: pgbouncer-restart, at: 2s, mode: pause, which: all, recover_after: 1s}
  - {kind: pgbouncer-restart, at: 5s, mode: kill-database, which: pgbouncer-1, recover_after: 1s}
)yaml");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& result = run.result;
  REQUIRE(result["faults"].size() == 2);
  for (const auto& fault : result["faults"]) {
    INFO(fault.dump());
    CHECK(fault["error"] == "");
  }
  // PAUSE: no error, but nothing completes while both pgbouncers hold their clients.
  const json& paused = result["faults"][0]["workloads"][0];
  CHECK(paused["errors"].empty());
  CHECK(paused["downtime_s"].get<double>() >= 0.5);
  // KILL: the clients of pgbouncer-1 are cut off.
  const json& killed = result["faults"][1]["workloads"][0];
  CHECK_FALSE(killed["errors"].empty());
  CHECK(killed["first_error_s"].get<double>() <= 0.5);
  CHECK(result["health"]["checked"] == true);  // else no problems is no news
  CHECK(result["health"]["problems"].empty());
}

TEST_CASE("a run killed mid-fault leaves a journal, and `loadgate recover` puts the fault back",
          "[testbed]") {
  // The fault's effect is a file: injected it exists, recovered it is gone.
  const auto dir = scratch_dir() / "journal";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string scenario = write_scenario("journal.yaml", R"yaml(
name: journal
target: {testbed: default}
duration: 60s
workloads:
  validate: {kind: jwt, executor: {type: constant-arrival-rate, rate: 20/s}}
faults:
  - {kind: cache-flush, driver: command, name: flag, at: 1s, recover_after: 50s,
     inject: "touch broken", recover: "rm broken"}
)yaml");
  const auto out = dir / "out";
  // Started from `dir`: the commands run there, and so must the recovery's.
  const std::string script =
      fmt::format("cd {} && exec {} run {} --testbed {} --out {}", dir.string(), loadgate_bin(),
                  scenario, shared_testbed_dir(), out.string());
  const pid_t run = spawn_detached({{"/bin/sh", "-c", script}, dir / "run.log", std::nullopt, {}});
  const auto journal = out / "faults.journal";
  for (int i = 0; i < 200 && !std::filesystem::exists(dir / "broken"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(std::filesystem::exists(dir / "broken"));
  CHECK_THAT(file_text(journal), Catch::Contains(R"("description":"cache-flush by command flag")"));

  // While the run lives, it recovers by itself: recover refuses.
  CommandResult early = run_command(fmt::format("{} recover {}", loadgate_bin(), out.string()));
  CHECK(early.exit_code == 2);
  CHECK_THAT(early.output, Catch::Contains("is still running"));

  ::kill(run, SIGKILL);
  for (int i = 0; i < 50 && process_alive(run); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE_FALSE(process_alive(run));
  CHECK(std::filesystem::exists(dir / "broken"));  // nobody recovered it

  // From elsewhere: the journal says where the run ran.
  CommandResult recovered =
      run_command(fmt::format("sh -c 'cd / && {} recover {}'", loadgate_bin(), out.string()));
  INFO(recovered.output);
  CHECK(recovered.exit_code == 0);
  CHECK_THAT(recovered.output, Catch::Contains("recovering cache-flush by command flag") &&
                                   Catch::Contains("\n  recovered\n"));
  CHECK_FALSE(std::filesystem::exists(dir / "broken"));
  CommandResult again = run_command(fmt::format("{} recover {}", loadgate_bin(), out.string()));
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("nothing to do"));
}
