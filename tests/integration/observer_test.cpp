// Watching a deployment's connections the way one would a real one: from DSNs the scenario gives
// (here pointing at a testbed of its own), with a fault driven through the remote admin console.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

std::string scenario_with_observe(const OwnTestbed& testbed, const std::string& postgres_port) {
  const json state = testbed.state();
  const json pgbouncer = testbed.process("pgbouncer-1");
  return fmt::format(
      R"yaml(
name: observed
target: {{testbed: default}}
duration: 6s
client: {{interval: 250ms}}
workloads:
  orders:
    kind: sql
    executor: {{type: constant-arrival-rate, rate: 50/s}}
    tasks: 1
    pool_max: 4
    transactions: [{{autocommit: true, sql: "SELECT 1"}}]
faults:
  - kind: pgbouncer-restart
    mode: reconnect
    at: 2s
    admin_dsn: ["host=127.0.0.1 port={pgbouncer} dbname=pgbouncer user={admin}"]
    database: app
observe:
  database: app
  postgres: {{dsn: "host=127.0.0.1 port={postgres} dbname=app user=app",
             replica_dsns: ["host=127.0.0.1 port={standby} dbname=app user=app"]}}
  pgbouncer: {{admin_dsn: ["host=127.0.0.1 port={pgbouncer} dbname=pgbouncer user={admin}"],
              password_file: {admin_password}}}
  every: 250ms
)yaml",
      fmt::arg("pgbouncer", pgbouncer["port"].get<int>()),
      fmt::arg("admin", state["pgbouncer_admin"]["user"].get<std::string>()),
      fmt::arg("admin_password", state["pgbouncer_admin"]["password_file"].get<std::string>()),
      fmt::arg("postgres", postgres_port),
      fmt::arg("standby", testbed.process("postgres-standby")["port"].get<int>()));
}

std::string first_line(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// As psql would find them: the fault's console and the observer's database passwords come from a
// password file (PGPASSFILE, ~/.pgpass's format), the observer's console one from password_file.
void write_pgpass(const OwnTestbed& testbed) {
  const json state = testbed.state();
  const auto file = scratch_dir() / "pgpass";
  std::ofstream(file) << fmt::format(
      "127.0.0.1:*:app:app:{}\n127.0.0.1:*:pgbouncer:{}:{}\n",
      first_line(state["database"]["password_file"].get<std::string>()),
      state["pgbouncer_admin"]["user"].get<std::string>(),
      first_line(state["pgbouncer_admin"]["password_file"].get<std::string>()));
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ::setenv("PGPASSFILE", file.c_str(), 1);
}

}  // namespace

TEST_CASE(
    "observe: connections counted from the DSNs a scenario gives (passwords as libpq finds "
    "them), and a bad one fails first",
    "[faults]") {
  OwnTestbed testbed;
  write_pgpass(testbed);
  const std::string primary_port =
      std::to_string(testbed.process("postgres-primary")["port"].get<int>());
  const LoadgateRun run = testbed.run("observed", scenario_with_observe(testbed, primary_port));
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& connections = run.result["faults"][0]["connections"];
  INFO(connections.dump());
  CHECK(connections["postgres_backends"]["before"].get<int>() >= 1);
  CHECK(connections["pgbouncer_clients"]["peak"].get<int>() >= 1);
  CHECK(connections["pgbouncer_servers"]["after"].get<int>() >= 1);
  // Every sample asked each node its role: one primary, one standby, sampled as the run went.
  // The workload's backends by application_name show once its pools are up (a RECONNECT may
  // close them for a moment).
  std::ifstream observations(run.result_dir + "/observations.jsonl");
  size_t samples = 0;
  int most_of_ours = 0;
  for (std::string line; std::getline(observations, line); ++samples) {
    const json gauges = json::parse(line)["gauges"];
    INFO(line);
    CHECK(gauges["db.primaries"] == 1);
    CHECK(gauges["db.standbys"] == 1);
    most_of_ours = std::max(most_of_ours, gauges.value("db.application.loadgate-orders", 0));
  }
  CHECK(samples >= 15);  // 6 s every 250 ms
  CHECK(most_of_ours >= 1);
  // The password is in no output.
  const std::string password =
      run_command("cat " + testbed.state()["database"]["password_file"].get<std::string>())
          .output.substr(0, 20);
  CHECK(run.command.output.find(password) == std::string::npos);

  // A port nothing listens on: said before the run, by address, and nothing is sent.
  const LoadgateRun refused = testbed.run("observed-bad", scenario_with_observe(testbed, "9"));
  INFO(refused.command.output);
  CHECK(refused.command.exit_code == 2);
  CHECK_THAT(refused.command.output,
             Catch::Contains("observe: cannot connect to app@127.0.0.1:9/app"));
  CHECK(refused.result.is_null());
}
