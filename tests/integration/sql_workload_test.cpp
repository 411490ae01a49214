// The sql workload and the write ledger against the shared testbed's pgbouncers, run the way a
// user runs them: `loadgate run` on a scenario file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

// A scenario of sql workloads on the shared testbed, `duration` long.
std::string sql_scenario(const std::string& duration, const std::string& workloads) {
  return "name: sql-test\ntarget: {testbed: default}\nduration: " + duration + "\nworkloads:\n" +
         workloads;
}

const json& workload_named(const json& result, const std::string& name) {
  for (const auto& w : result["workloads"])
    if (w["name"] == name) return w;
  FAIL("no workload " << name << " in the result");
  throw;
}

// A run of one sql workload whose DSN points at 127.0.0.1:`port` with `password`.
CommandResult run_with_dsn_on(uint16_t port, const std::string& password, const std::string& tag) {
  setenv("LOADGATE_TEST_DB_PASSWORD", password.c_str(), 1);
  const std::string scenario = write_scenario(tag + ".yaml", sql_scenario("2s", fmt::format(R"yaml(
  db:
    kind: sql
    executor: {{type: constant-arrival-rate, rate: 10/s}}
    dsn: "host=127.0.0.1 port={} dbname=app user=app"
    password_env: LOADGATE_TEST_DB_PASSWORD
    transactions: [{{sql: "SELECT 1"}}]
)yaml",
                                                                                            port)));
  return run_on_shared_testbed(scenario, "", tag).command;
}

}  // namespace

TEST_CASE("sql.yaml reads and writes through both pgbouncers and reads every write back",
          "[testbed]") {
  LoadgateRun run = run_on_shared_testbed(source_dir() + "/scenarios/sql.yaml",
                                          " --set phases.0.duration=1s --set phases.1.duration=3s"
                                          " --set workloads.orders.executor.rate=300/s"
                                          // 2 tasks still span both pgbouncers; 250 cold SCRAM
                                          // connects can pass the connect timeout under ASan.
                                          " --set workloads.orders.tasks=2"
                                          " --set workloads.orders.pool_max=5",
                                          "sql");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& w = run.result["workloads"][0];
  CHECK(w["kind"] == "sql");
  CHECK(w["scheduled"] == 900);
  // A request counts in the interval it ended in: a few of the warmup's may end in the steady
  // phase (cold connections first).
  CHECK(w["attempts"].get<int>() >= 900);
  CHECK(w["attempts"].get<int>() <= 930);
  CHECK(w["error_count"] == 0);
  // Tasks alternate between the two pgbouncers.
  int databases = 0;
  for (const auto& target : run.result["targets"])
    databases += target.get<std::string>().starts_with("postgres ") ? 1 : 0;
  CHECK(databases == 2);
  const json& ledger = run.result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["acknowledged"].get<int>() == Approx(240).margin(60));  // 20% of 1200
  CHECK(ledger["acknowledged_present"] == ledger["acknowledged"]);
  CHECK(ledger["lost"] == 0);
  CHECK(ledger["in_doubt"] == 0);
}

TEST_CASE("a row deleted behind the ledger's back is reported LOST and fails the run",
          "[testbed]") {
  // A second workload deletes the newest recorded rows while the first one writes them.
  const std::string scenario = write_scenario("sql-lost.yaml", sql_scenario("3s", R"yaml(
  writer:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 50/s}
    transactions:
      - {sql: "INSERT INTO items (name, write_id) VALUES ('lost-test', $1)",
         params: ["{{write_id}}"]}
  vandal:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 5/s}
    transactions:
      - {autocommit: true, sql: "DELETE FROM items WHERE id =
           (SELECT max(id) FROM items WHERE name = 'lost-test')"}
)yaml"));
  LoadgateRun run = run_on_shared_testbed(scenario, "", "sql-lost");
  INFO(run.command.output);
  CHECK(run.command.exit_code == 1);
  CHECK_THAT(run.command.output, Catch::Contains("LOST") && Catch::Contains("were lost"));
  REQUIRE(run.result["ledgers"].size() == 1);
  const json& ledger = run.result["ledgers"][0];
  CHECK(ledger["workload"] == "writer");
  CHECK(ledger["verified"] == true);
  CHECK(ledger["lost"].get<int>() >= 1);
  CHECK(ledger["lost"].get<int>() <= 15);  // at most one per vandal transaction
  CHECK(ledger["lost_ids"].size() == std::min<size_t>(ledger["lost"].get<size_t>(), 20));
  CHECK(ledger["acknowledged_present"].get<int>() + ledger["lost"].get<int>() ==
        ledger["acknowledged"].get<int>());
}

TEST_CASE("query timeouts, pool waits and writes refused as read-only are told apart",
          "[testbed]") {
  const std::string scenario = write_scenario("sql-classes.yaml", sql_scenario("3s", R"yaml(
  slow:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 4/s}
    query_timeout: 500ms
    transactions: [{autocommit: true, sql: "SELECT pg_sleep(3)"}]
  starved:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 20/s}
    tasks: 1
    pools_per_task: 1
    pool_max: 1
    pool_wait_timeout: 100ms
    transactions: [{autocommit: true, sql: "SELECT pg_sleep(0.2)"}]
  readonly:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 10/s}
    transactions: [{read_only: true, sql: "INSERT INTO items (name) VALUES ('never')"}]
)yaml"));
  LoadgateRun run = run_on_shared_testbed(scenario, "", "sql-classes");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& slow = workload_named(run.result, "slow");
  CHECK(slow["errors"]["query_timeout"] == slow["attempts"]);
  // Each failed when its 500 ms ran out: not before, and not at the 3 s the query wanted.
  CHECK(slow["error_latency_us"]["p50"].get<int>() >= 500'000);
  CHECK(slow["error_latency_us"]["max"].get<int>() < 1'500'000);
  const json& starved = workload_named(run.result, "starved");
  CHECK(starved["ok"].get<int>() >= 5);  // one connection, 200 ms each
  CHECK(starved["errors"]["pool_wait_timeout"].get<int>() >= 20);
  const json& readonly = workload_named(run.result, "readonly");
  CHECK(readonly["errors"]["read_only"] == readonly["attempts"]);
  CHECK(readonly["attempts"] == 30);
}

TEST_CASE("a DSN nothing listens on fails before the run, named and without its password",
          "[testbed]") {
  const uint16_t port = find_free_port();
  CommandResult run = run_with_dsn_on(port, "s3cret-never-shown", "sql-refused");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Catch::Contains(fmt::format("cannot connect to app@127.0.0.1:{}/app", port)) &&
                 Catch::Contains("Connection refused"));
  CHECK_THAT(run.output, !Catch::Contains("s3cret-never-shown"));
}

TEST_CASE("a wrong database password is refused by pgbouncer before the run", "[testbed]") {
  std::ifstream in(shared_testbed_dir() + "/state.json");
  const json state = json::parse(in);
  uint16_t pgbouncer = 0;
  for (const auto& process : state["processes"])
    if (process["role"] == "pgbouncer") pgbouncer = process["port"];
  REQUIRE(pgbouncer != 0);
  CommandResult run = run_with_dsn_on(pgbouncer, "wrong-password-never-shown", "sql-auth");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Catch::Contains("authentication failed"));
  CHECK_THAT(run.output, !Catch::Contains("wrong-password-never-shown"));
}

TEST_CASE("sql virtual users run on their call threads and every call lands in the timeline",
          "[testbed]") {
  // Each call inserts a row tagged for this run: Postgres counts the calls apart from loadgate.
  const std::string tag = fmt::format("sql-vus-{}", ::getpid());
  const std::string scenario = write_scenario("sql-vus.yaml", sql_scenario("2s", fmt::format(R"yaml(
  users:
    kind: sql
    executor: {{type: constant-vus, vus: 4, think: 10ms}}
    transactions: [{{autocommit: true, sql: "INSERT INTO items (name) VALUES ('{}')"}}]
)yaml",
                                                                                             tag)));
  LoadgateRun run = run_on_shared_testbed(scenario, "", "sql-vus");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  const json& w = run.result["workloads"][0];
  CHECK(w["error_count"] == 0);
  CHECK(w["peak_vus"] == 4);
  // 4 users, each a call then 10 ms of thinking, for 2 s: at most 800 calls.
  CHECK(w["ok"].get<int>() >= 200);
  CHECK(w["ok"].get<int>() <= 800);
  // The timeline's intervals add up to the totals: no call is recorded late or twice.
  std::ifstream timeline(run.result_dir + "/timeline.jsonl");
  int from_timeline = 0;
  for (std::string line; std::getline(timeline, line);)
    from_timeline += json::parse(line)["workloads"][0]["ok"].get<int>();
  CHECK(from_timeline == w["ok"].get<int>());
  const std::string testbed = shared_testbed_dir();
  int primary = 0;
  const json state = json_file(testbed + "/state.json");
  for (const auto& p : state["processes"])
    if (p["name"] == "postgres-primary") primary = p["port"];
  // The password from the environment, as psql takes it: never on a command line or in a log.
  std::string password = file_text(testbed + "/secrets/db_password");
  while (!password.empty() && std::isspace(static_cast<unsigned char>(password.back())))
    password.pop_back();
  setenv("PGPASSWORD", password.c_str(), 1);
  const CommandResult rows = run_command(fmt::format(
      "psql -h 127.0.0.1 -p {} -U app -d app -tAc \"SELECT count(*) FROM items WHERE name = "
      "'{}'\"",
      primary, tag));
  unsetenv("PGPASSWORD");
  INFO(rows.output);
  REQUIRE(rows.exit_code == 0);
  CHECK(std::stoi(rows.output) == from_timeline);
}

TEST_CASE("the ledger checks writes by the ids the API generated and returned (ack_id)",
          "[testbed]") {
  // The service's POST returns {"id": N}; a vandal deletes the newest of those rows.
  const std::string workloads = R"yaml(
  items:
    kind: api
    executor: {type: constant-arrival-rate, rate: 50/s}
    requests:
      - {name: create, method: POST, path: /api/v1/items, expect: 201, ack_id: {field: id},
         body: '{"name": "ack-test"}'}
    ledger: {query: "SELECT id FROM items WHERE id = ANY($1::bigint[])"}
)yaml";
  const std::string vandal = R"yaml(
  vandal:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 5/s}
    transactions:
      - {autocommit: true, sql: "DELETE FROM items WHERE id =
           (SELECT max(id) FROM items WHERE name = 'ack-test')"}
)yaml";
  LoadgateRun clean =
      run_on_shared_testbed(write_scenario("ack.yaml", sql_scenario("2s", workloads)), "", "ack");
  INFO(clean.command.output);
  CHECK(clean.command.exit_code == 0);
  REQUIRE(clean.result["ledgers"].size() == 1);
  const json& ok = clean.result["ledgers"][0];
  CHECK(ok["verified"] == true);
  CHECK(ok["acknowledged"].get<int>() == Approx(100).margin(20));
  CHECK(ok["acknowledged_present"] == ok["acknowledged"]);
  CHECK(ok["without_id"] == 0);

  LoadgateRun lost = run_on_shared_testbed(
      write_scenario("ack-lost.yaml", sql_scenario("3s", workloads + vandal)), "", "ack-lost");
  INFO(lost.command.output);
  CHECK(lost.command.exit_code == 1);
  const json& ledger = lost.result["ledgers"][0];
  CHECK(ledger["lost"].get<int>() >= 1);
  CHECK(ledger["acknowledged_present"].get<int>() + ledger["lost"].get<int>() ==
        ledger["acknowledged"].get<int>());
  // The lost ones are named by the ids the service gave: plain numbers here.
  const std::string first = ledger["lost_ids"][0];
  CHECK(first.find_first_not_of("0123456789") == std::string::npos);

  // A vandal that deletes the newest row and winds the sequence back, as a standby promoted
  // behind does: the next write gets the deleted row's id again, so that id reads back present,
  // and only the repeated acknowledgement tells the first write is gone.
  const std::string rewinder = R"yaml(
  rewinder:
    kind: sql
    executor: {type: constant-arrival-rate, rate: 5/s}
    transactions:
      - {autocommit: true, sql: "WITH gone AS (DELETE FROM items WHERE id =
           (SELECT max(id) FROM items WHERE name = 'ack-test') RETURNING id)
           SELECT setval('items_id_seq', id - 1) FROM gone"}
)yaml";
  LoadgateRun reissued = run_on_shared_testbed(
      write_scenario("ack-reissued.yaml", sql_scenario("3s", workloads + rewinder)), "",
      "ack-reissued");
  INFO(reissued.command.output);
  CHECK(reissued.command.exit_code == 1);
  const json& given_again = reissued.result["ledgers"][0];
  CHECK(given_again["reissued"].get<int>() >= 1);
  CHECK(given_again["lost"].get<int>() >= given_again["reissued"].get<int>());
  CHECK_THAT(reissued.command.output,
             Catch::Contains("under an id the target gave a later write again"));

  // Without a way to read them back, refused before the run, at its line.
  CommandResult no_query = run_command(
      loadgate_bin() + " run --dry-run --testbed " + shared_testbed_dir() + " " +
      write_scenario("ack-no-query.yaml",
                     sql_scenario("2s", workloads.substr(0, workloads.find("    ledger:")))));
  CHECK(no_query.exit_code == 2);
  CHECK_THAT(no_query.output, Catch::Contains("with ack_id, say how to read the ids back"));
}
