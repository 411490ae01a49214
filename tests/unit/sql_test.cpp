// The sql workload's settings, its database targets and its write ledger's accounting, without
// a database (the integration tests run them against the testbed).
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/libpq_text.h"
#include "harness/process.h"
#include "tests/support/test_harness.h"
#include "workloads/db_target.h"
#include "workloads/sql.h"
#include "workloads/write_ledger.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

std::unique_ptr<Sql> sql_from(const std::string& settings) {
  setenv("LOADGATE_TEST_DB_PASSWORD", "pw", 1);
  return std::make_unique<Sql>(
      loadgate::test::workload_spec("    kind: sql\n"
                                    "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                                    "    dsn: \"host=127.0.0.1 port=1 dbname=app user=app\"\n"
                                    "    password_env: LOADGATE_TEST_DB_PASSWORD\n" +
                                        settings,
                                    "s.yaml"),
      WorkloadContext{});
}

}  // namespace

TEST_CASE("the sql workload sizes its fan-out as tasks × pools × pool_max") {
  auto sql = sql_from(
      "    tasks: 5\n    pools_per_task: 2\n    pool_max: 25\n"
      "    transactions: [{sql: \"SELECT 1\"}]\n");
  CHECK(sql->client_connections() == 250);
  // Every connection busy and as many callers again waiting for one.
  CHECK(sql->max_concurrent_calls() == 500);
  CHECK_FALSE(sql->ledger());
  CHECK(sql->targets() == std::vector<std::string>{"postgres app@127.0.0.1:1/app"});
}

TEST_CASE("a transaction that writes {{write_id}} gets a ledger") {
  auto sql = sql_from(
      "    transactions:\n"
      "      - {sql: \"INSERT INTO t (w) VALUES ($1)\", params: [\"{{write_id}}\"]}\n");
  CHECK(sql->ledger());
}

TEST_CASE("sql settings that cannot work are refused, located") {
  CHECK_THROWS_WITH(
      sql_from("    transactions: [{autocommit: true, steps: [{sql: a}, {sql: b}]}]\n"),
      Contains("s.yaml:10:") && Contains("autocommit runs one statement"));
  CHECK_THROWS_WITH(sql_from("    transactions: [{read_only: true, sql: x,"
                             " params: [\"{{write_id}}\"]}]\n"),
                    Contains("s.yaml:10:") && Contains("read-only transaction cannot write"));
  CHECK_THROWS_WITH(sql_from("    transactions: [{sql: a, params: [\"{{nope}}\"]}]\n"),
                    Contains("s.yaml:10:") && Contains("nope"));
  CHECK_THROWS_WITH(sql_from("    tasks: 100\n    pool_max: 200\n"
                             "    transactions: [{sql: a}]\n"),
                    Contains("over 10,000 connections"));
  CHECK_THROWS_WITH(sql_from("    pool_max: 10\n    min_connections: 11\n"
                             "    transactions: [{sql: a}]\n"),
                    Contains("s.yaml:11:"));
  CHECK_THROWS_WITH(sql_from("    transactions: [{sql: a}]\n    ledger: {query: x}\n"),
                    Contains("no transaction uses {{write_id}}"));
  CHECK_THROWS_WITH(sql_from("    pool_size: 10\n    transactions: [{sql: a}]\n"),
                    Contains("s.yaml:10:") && Contains("pool_max"));
  CHECK_THROWS_WITH(
      sql_from("    reconnect: {enabled: true, initial_backoff: 2s, max_backoff: 1s}\n"
               "    transactions: [{sql: a}]\n"),
      Contains("max_backoff must not be below initial_backoff"));
}

TEST_CASE("without a testbed, an sql workload must be told where the database is") {
  CHECK_THROWS_WITH(
      Sql(loadgate::test::workload_spec("    kind: sql\n"
                                        "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                                        "    transactions: [{sql: a}]\n",
                                        "n.yaml"),
          WorkloadContext{}),
      Contains("n.yaml:") && Contains("give dsn: or dsn_env:"));
}

TEST_CASE("a password written in a scenario's DSN is refused at its line, never shown") {
  for (const char* dsn : {"host=db.invalid dbname=app user=app password=hunter2",
                          "postgresql://app:hunter2@db.invalid/app"}) {
    INFO(dsn);
    CHECK_THROWS_WITH(
        Sql(loadgate::test::workload_spec(
                fmt::format("    kind: sql\n"
                            "    executor: {{type: constant-arrival-rate, rate: 1/s}}\n"
                            "    dsn: \"{}\"\n"
                            "    transactions: [{{sql: a}}]\n",
                            dsn),
                "p.yaml"),
            WorkloadContext{}),
        Contains("p.yaml:8") && Contains("password_env or password_file") && !Contains("hunter2"));
  }
  CHECK_FALSE(dsn_has_password("host=db.invalid dbname=password user=password_admin"));
  CHECK(dsn_has_password("postgres://u:p@h/d"));
}

TEST_CASE("prepare fails clearly, naming the DSN, when nothing listens there") {
  const uint16_t port = find_free_port();
  setenv("LOADGATE_TEST_DB_PASSWORD", "pw", 1);
  Sql refused(
      loadgate::test::workload_spec("    kind: sql\n"
                                    "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                                    "    dsn: \"host=127.0.0.1 port=" +
                                        std::to_string(port) +
                                        " dbname=app user=app\"\n"
                                        "    password_env: LOADGATE_TEST_DB_PASSWORD\n"
                                        "    transactions: [{sql: a}]\n",
                                    "p.yaml"),
      WorkloadContext{});
  CHECK_THROWS_WITH(refused.prepare(),
                    Contains("cannot connect to app@127.0.0.1:" + std::to_string(port) + "/app") &&
                        Contains("Connection refused") && !Contains("pw"));
}

TEST_CASE("a DSN gets its password and settings appended in its own syntax") {
  DbTarget keywords{{"host=h dbname=d"}, "it's\\secret"};
  CHECK(keywords.conninfo(0, {{"application_name", "lg"}}) ==
        "host=h dbname=d application_name='lg' password='it\\'s\\\\secret'");
  DbTarget uri{{"postgresql://u@h:6432/d?sslmode=require"}, "p@ss word"};
  CHECK(uri.conninfo(0) == "postgresql://u@h:6432/d?sslmode=require&password=p%40ss%20word");
  CHECK(describe_dsn("host=db port=6432 dbname=app user=app password=hunter2") ==
        "app@db:6432/app");
  CHECK(describe_dsn("postgresql://app:hunter2@db/app") == "app@db:5432/app");
  CHECK(single_line("failed: Connection refused\n\tIs the server running?\n") ==
        "failed: Connection refused Is the server running?");
}

TEST_CASE("the ledger counts how writes ended and keeps them when it cannot read them back") {
  const uint16_t port = find_free_port();
  WriteLedger ledger("w", {"host=127.0.0.1 port=" + std::to_string(port) + " connect_timeout=2"},
                     "SELECT unnest($1::text[])");
  WriteLedger other("w", {}, "x");
  const std::string a = ledger.next_id(), b = ledger.next_id();
  CHECK(a != b);
  CHECK(a.starts_with("lg-"));
  // A second ledger (a replayed run) never reuses the first one's ids.
  CHECK(other.next_id().substr(0, 20) != a.substr(0, 20));
  ledger.record(a, WriteStatus::acknowledged);
  ledger.record(b, WriteStatus::in_doubt);
  ledger.record(ledger.next_id(), WriteStatus::failed);
  const LedgerResult result = ledger.verify();
  CHECK(result.acknowledged == 1);
  CHECK(result.in_doubt == 1);
  CHECK(result.failed == 1);
  CHECK_FALSE(result.verified);
  CHECK_THAT(result.verify_error, Contains("Connection refused") && !Contains("\n"));
  CHECK(result.lost == 0);  // never claimed without reading back
}

TEST_CASE("libpqxx's exceptions map to the error classes results use") {
  CHECK(sql_error_class(pqxx::in_doubt_error("x")) == "in_doubt");
  CHECK(sql_error_class(pqxx::statement_completion_unknown("x")) == "in_doubt");
  CHECK(sql_error_class(pqxx::deadlock_detected("x")) == "deadlock");
  CHECK(sql_error_class(pqxx::serialization_failure("x")) == "serialization_failure");
  CHECK(sql_error_class(pqxx::broken_connection("x")) == "broken_connection");
  CHECK(sql_error_class(pqxx::sql_error("x", "INSERT", "25006")) == "read_only");
  CHECK(sql_error_class(pqxx::sql_error("x", "SELECT", "57014")) == "statement_timeout");
  CHECK(sql_error_class(pqxx::sql_error("x", "SELECT", "08006")) == "broken_connection");
  CHECK(sql_error_class(pqxx::sql_error("x", "SELECT", "57P01")) == "server_shutdown");
  CHECK(sql_error_class(pqxx::sql_error("x", "SELECT", "23505")) == "sql_23505");
}
