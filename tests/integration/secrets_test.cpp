// Secrets never leak: a run on the shared testbed whose every secret comes from the environment or
// a file (a DATABASE_URL-style DSN with its password, the database password for probes and the
// observer, the pgbouncer console's password file, an HS256 secret, an RS256 private key), then
// every file it wrote, every report rendered again and everything it printed is searched for each
// secret and for libpq's password= fragment. Command fault logs are the owner's alone (0600).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/report_formats.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

int port_of(const json& state, const std::string& name) {
  for (const auto& p : state["processes"])
    if (p["name"] == name) return p["port"].get<int>();
  FAIL("no process " << name << " in the testbed");
  return 0;
}

// Every place `secret` occurs among `texts` (name → text), by name.
std::vector<std::string> found_in(const std::vector<std::pair<std::string, std::string>>& texts,
                                  const std::string& secret) {
  std::vector<std::string> where;
  for (const auto& [name, text] : texts)
    if (text.find(secret) != std::string::npos) where.push_back(name);
  return where;
}

}  // namespace

TEST_CASE(
    "no secret from the environment or a file reaches any output file, report or console line, "
    "and command fault logs are private",
    "[testbed]") {
  const std::string testbed = shared_testbed_dir();
  const json state = json_file(testbed + "/state.json");
  const std::string secrets = testbed + "/secrets/";
  const std::string db_password = trimmed(file_text(secrets + "db_password"));
  const std::string admin_password = trimmed(file_text(secrets + "pgbouncer_admin_password"));
  const std::string jwt_secret = trimmed(file_text(secrets + "jwt_secret"));
  const std::string key_pem = file_text(secrets + "jwt_rs256_private.pem");
  // A line of the key's body: what a leaked key would show.
  const std::string key_line = key_pem.substr(key_pem.find('\n') + 1, 40);
  REQUIRE(db_password.size() >= 8);
  REQUIRE(admin_password.size() >= 8);
  REQUIRE(jwt_secret.size() >= 8);
  REQUIRE(key_line.size() == 40);

  const int pgbouncer = port_of(state, "pgbouncer-1");
  const std::string user = state["database"]["user"], database = state["database"]["name"];
  const std::string admin = state["pgbouncer_admin"]["user"];
  // As a team's job has it: the whole URL, password included, in one variable.
  setenv("LOADGATE_TEST_DATABASE_URL",
         fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", user, db_password, pgbouncer, database)
             .c_str(),
         1);
  setenv("LOADGATE_TEST_DB_PASSWORD", db_password.c_str(), 1);
  setenv("LOADGATE_TEST_JWT_SECRET", jwt_secret.c_str(), 1);
  const std::string scenario = write_scenario(
      "secrets.yaml", fmt::format(R"yaml(
name: secrets
target: {{testbed: default}}
duration: 3s
client: {{interval: 500ms}}
workloads:
  validate:
    kind: jwt
    executor: {{type: constant-arrival-rate, rate: 20/s}}
    algorithm: HS256
    secret_env: LOADGATE_TEST_JWT_SECRET
  signed:
    kind: jwt
    executor: {{type: constant-arrival-rate, rate: 10/s}}
    algorithm: RS256
    private_key_file: {secrets}jwt_rs256_private.pem
  orders:
    kind: sql
    dsn_env: LOADGATE_TEST_DATABASE_URL
    executor: {{type: constant-arrival-rate, rate: 20/s}}
    tasks: 1
    pool_max: 2
    ids: {{min: 1, max: 100}}
    transactions:
      - {{name: read, weight: 1, autocommit: true, sql: "SELECT id FROM items WHERE id = $1",
         params: ["{{{{id}}}}"]}}
      - {{name: write, weight: 1, sql: "INSERT INTO items (name, write_id) VALUES ('s', $1)",
         params: ["{{{{write_id}}}}"]}}
observe:
  database: {database}
  postgres: {{dsn: "host=127.0.0.1 port={primary} dbname={database} user={user}",
             password_env: LOADGATE_TEST_DB_PASSWORD}}
  pgbouncer: {{admin_dsn: ["host=127.0.0.1 port={pgbouncer} dbname=pgbouncer user={admin}"],
              password_file: {secrets}pgbouncer_admin_password}}
probes:
  - {{name: pool, sql: "host=127.0.0.1 port={pgbouncer} dbname={database} user={user}",
     password_env: LOADGATE_TEST_DB_PASSWORD}}
faults:
  - {{kind: pgbouncer-restart, driver: pgbouncer-console, mode: reconnect, at: 1s,
     admin_dsn: "host=127.0.0.1 port={pgbouncer} dbname=pgbouncer user={admin}",
     password_file: {secrets}pgbouncer_admin_password, database: {database}}}
  - {{kind: cache-flush, driver: command, name: flush, at: 2s, inject: "echo flushed"}}
)yaml",
                                  fmt::arg("secrets", secrets), fmt::arg("pgbouncer", pgbouncer),
                                  fmt::arg("primary", port_of(state, "postgres-primary")),
                                  fmt::arg("database", database), fmt::arg("user", user),
                                  fmt::arg("admin", admin)));
  const LoadgateRun run = run_on_shared_testbed(scenario, "", "secrets");
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  // Every part ran: the secrets were used, not skipped.
  REQUIRE(run.result["workloads"].size() == 3);
  for (const auto& w : run.result["workloads"]) CHECK(w["ok"].get<uint64_t>() > 10);
  REQUIRE(run.result["faults"].size() == 2);
  CHECK(run.result["ledgers"][0]["lost"] == 0);

  std::vector<std::pair<std::string, std::string>> texts{{"console", run.command.output}};
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(run.result_dir))
    if (entry.is_regular_file()) {
      texts.emplace_back(entry.path().string(), file_text(entry.path()));
      ++files;
    }
  CHECK(files >= 8);  // result, timeline, observations, junit, summary, html, hdr, ledger, logs
  for (const auto& format : report_formats()) {
    const CommandResult report = run_command(
        fmt::format("{} report {} --format {}", loadgate_bin(), run.result_dir, format.name));
    CHECK(report.exit_code == 0);
    texts.emplace_back("report --format " + std::string(format.name), report.output);
  }
  for (const auto& [secret, name] :
       std::vector<std::pair<std::string, std::string>>{{db_password, "the database password"},
                                                        {admin_password, "the console password"},
                                                        {jwt_secret, "the HS256 secret"},
                                                        {key_line, "the RS256 private key"},
                                                        {"password=", "a libpq password="},
                                                        {"PRIVATE KEY", "a PEM private key"}}) {
    INFO(name);
    CHECK(found_in(texts, secret).empty());
  }

  // The command fault's log: its output, for its owner only.
  const auto log = std::filesystem::path(run.result_dir) / "faults" / "flush.log";
  REQUIRE(std::filesystem::exists(log));
  CHECK(file_text(log).find("flushed") != std::string::npos);
  struct stat info {};
  REQUIRE(stat(log.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}
