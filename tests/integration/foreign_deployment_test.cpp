// Against a deployment loadgate did not start (tests/foreign/deployment: Postgres primary and
// standby, one pgbouncer, a Python API that generates its own ids), faults driven by the
// operator's own commands: the claims judge them as they judge the testbed's faults.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faults/pgbouncer_console.h"
#include "faults/pgbouncer_restart.h"
#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

// Up for the test, down at its end whatever happened.
class ForeignDeployment {
 public:
  ForeignDeployment(const std::string& name, const std::string& options)
      : dir_(std::filesystem::temp_directory_path() /
             fmt::format("loadgate-foreign-{}-{}", name, ::getpid())) {
    std::filesystem::remove_all(dir_);
    const CommandResult up =
        run_command(fmt::format("{} up {} {}", script(), dir_.string(), options));
    INFO(up.output);
    REQUIRE(up.exit_code == 0);
    std::ifstream env(dir_ / "env");
    for (std::string line; std::getline(env, line);) {
      const auto eq = line.find('=');
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      env_[line.substr(0, eq)] = value;
    }
  }
  ~ForeignDeployment() { run_command(fmt::format("{} down {}", script(), dir_.string())); }
  std::string operator[](const std::string& key) const { return env_.at(key); }
  // A shell command line for one of the script's verbs on this deployment.
  std::string verb(const std::string& what) const {
    return fmt::format("{} {} {}", script(), what.substr(0, what.find(' ')), dir_.string()) +
           (what.find(' ') == std::string::npos ? "" : what.substr(what.find(' ')));
  }

 private:
  static std::string script() { return source_dir() + "/tests/foreign/deployment"; }
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

// 60 reads and 20 creates a second, the creates checked by the ids the API returns (read back
// from `ledger_dsn`, or the testbed's database when empty). These tests judge the target's
// verdicts: 50 ms of schedule lag (against 2 s timeouts and downtimes of seconds) is allowed,
// or a loaded CI machine makes a window's claims "not measured" (generator-bound).
std::string items_workload(const std::string& ledger_dsn, const std::string& steady = "16s") {
  return fmt::format(R"yaml(
phases: [{{name: warmup, duration: 2s}}, {{name: steady, duration: {}}}]
client: {{interval: 250ms, request_timeout: 2s, max_schedule_lag: 50ms}}
workloads:
  items:
    kind: api
    executor: {{type: constant-arrival-rate, rate: 80/s}}
    ids: {{min: 1, max: 100}}
    requests:
      - {{name: read, weight: 3, method: GET, path: "/api/v1/items/{{{{id}}}}", expect: 200}}
      - {{name: create, weight: 1, method: POST, path: /api/v1/items, expect: 201,
         body: '{{"name": "foreign"}}', ack_id: {{field: id}}}}
    ledger: {{{}query: "SELECT id FROM items WHERE id = ANY($1::bigint[])"}}
)yaml",
                     steady, ledger_dsn.empty() ? "" : fmt::format("dsn: \"{}\", ", ledger_dsn));
}

// The items workload against the foreign deployment, observed, and each layer probed: the
// database (whichever node takes writes), pgbouncer's console, the pool through it, the
// service's /healthz.
std::string scenario(const ForeignDeployment& d, const std::string& faults,
                     const std::string& steady = "16s") {
  return fmt::format(R"yaml(
name: foreign
target: {{urls: ["{url}"]}}
{workload}
observe:
  database: app
  postgres: {{dsn: "{primary}", replica_dsns: ["{standby}"]}}
  pgbouncer: {{admin_dsn: ["{admin}"]}}
probes:
  healthy_within: 3s
  layers:
    - {{name: database, writable: true, sql: "host=127.0.0.1,127.0.0.1 port={primary_port},{standby_port} dbname=app user=app target_session_attrs=read-write"}}
    - {{name: pgbouncer, pgbouncer: "{admin}"}}
    - {{name: pool, sql: "{dsn}"}}
    - {{name: service, http: "{url}/healthz"}}
faults:
{faults}
)yaml",
                     fmt::arg("url", d["SERVICE_URL"]), fmt::arg("dsn", d["PGBOUNCER_DSN"]),
                     fmt::arg("workload", items_workload(d["PGBOUNCER_DSN"], steady)),
                     fmt::arg("primary", d["PRIMARY_DSN"]), fmt::arg("standby", d["STANDBY_DSN"]),
                     fmt::arg("primary_port", d["PRIMARY_PORT"]),
                     fmt::arg("standby_port", d["STANDBY_PORT"]), fmt::arg("admin", d["ADMIN_DSN"]),
                     fmt::arg("faults", faults));
}

// The primary lost by the deployment's own script: a failover with no recover step.
std::string failover_by_command(const ForeignDeployment& d, const std::string& at,
                                const std::string& verb) {
  return fmt::format(
      "  - {{kind: failover, driver: command, name: kill-primary, at: {}, inject: \"{}\"}}", at,
      d.verb(verb));
}

const json& layer(const json& fault, const std::string& probe) {
  for (const auto& l : fault["layers"])
    if (l["probe"] == probe) return l;
  FAIL("no layer " << probe);
  throw;
}

const json& verdict(const json& result, const std::string& id) {
  for (const auto& claim : result["claims"])
    if (claim["id"] == id) return claim;
  FAIL("no claim " << id);
  throw;
}

LoadgateRun run_foreign(const std::string& tag, const std::string& yaml,
                        const std::string& claims) {
  const std::string claims_file = write_scenario(tag + "-claims.yaml", claims);
  const std::string file = write_scenario(tag + ".yaml", yaml);
  const auto out = scratch_dir() / (tag + "-out");
  std::filesystem::remove_all(out);
  LoadgateRun run;
  run.result_dir = out.string();
  run.command = run_command(
      fmt::format("{} run {} --claims {} --claims {} --out {}", loadgate_bin(), file, claims_file,
                  source_dir() + "/scenarios/claims/000-scaling-architecture.yaml", out.string()));
  std::ifstream in(out / "result.json");
  if (in) run.result = json::parse(in);
  return run;
}

const char* kAfterClaims = R"yaml(
claims:
  - id: reconnects-cleanly
    source: {doc: 000_4e27a9eb9c281531.txt, quote: "verify the application reconnects cleanly"}
    metric: items.errors.rate
    expect: "< 1%"
    window: after failover
  - id: restart-downtime
    source: {doc: test, quote: "a pgbouncer restart is a blip"}
    metric: fault.pgbouncer-restart.downtime
    expect: "<= 10s"
)yaml";

}  // namespace

TEST_CASE("a failover driven by the operator's command is judged by the seed's failover claims",
          "[faults]") {
  ForeignDeployment d("failover", "--login-retry 1");
  const LoadgateRun run = run_foreign(
      "foreign-failover", scenario(d, failover_by_command(d, "6s", "failover")), kAfterClaims);
  INFO(run.command.output);
  REQUIRE(run.result.is_object());
  CHECK(run.result["faults"][0]["kind"] == "failover");
  CHECK(run.result["faults"][0]["driver"] == "command");
  // Seed 000: "~30s downtime"; the app reconnects cleanly once back (from when it was back).
  CHECK(verdict(run.result, "failover-downtime-resize")["verdict"] == "held");
  const json& after = verdict(run.result, "reconnects-cleanly");
  CHECK(after["verdict"] == "held");
  CHECK_THAT(after["detail"].get<std::string>(), Catch::Contains("back for good"));
  // A synchronous standby: every acknowledged id the API gave is there after the failover.
  const json& ledger = run.result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["acknowledged"].get<int>() > 100);
  CHECK(ledger["lost"] == 0);
  // pgbouncer retries its server login after 1 s: the pool is back within a few seconds of the
  // database (whose promotion takes as long as the machine makes it), if its probe saw it down.
  const json& pool = layer(run.result["faults"][0], "pool");
  const json& database = layer(run.result["faults"][0], "database");
  if (!pool["back_s"].is_null()) {
    const double database_back =
        database["back_s"].is_null() ? 0.0 : database["back_s"].get<double>();
    CHECK(pool["back_s"].get<double>() - database_back < 4);
  }
  CHECK(run.result["health"]["checked"] == true);
  CHECK(run.result["health"]["problems"].empty());
  CHECK(run.command.exit_code == 0);
}

TEST_CASE("layer probes put the downtime after the database was back on server_login_retry",
          "[faults]") {
  // A retry longer than the database's own outage (up to ~5 s: the standby's promotion), so the
  // wait after it is the retry's whatever the database did.
  ForeignDeployment d("login-retry", "--login-retry 12");
  const LoadgateRun run =
      run_foreign("foreign-login-retry",
                  scenario(d, failover_by_command(d, "5s", "failover"), "24s"), kAfterClaims);
  INFO(run.command.output);
  REQUIRE(run.result.is_object());
  const json& fault = run.result["faults"][0];
  // The pool waits out the retry after its failed login to the dead primary; the console never
  // went down.
  const double pool_back = layer(fault, "pool")["back_s"].get<double>();
  CHECK(pool_back > 9);
  CHECK(pool_back < 15);
  CHECK(layer(fault, "pgbouncer")["down_s"].is_null());
  const std::string said = fault["downtime_attribution"];
  CHECK_THAT(said, Catch::Contains("pgbouncer's server_login_retry (12s) is the likely cause"));
  CHECK_THAT(said, Catch::Contains("until pool was"));
  CHECK_THAT(run.command.output, Catch::Contains("downtime by layer:"));
  CHECK(run.result["probes"][2]["through"] == "pgbouncer");
}

TEST_CASE("a pgbouncer loadgate did not start tells its version on its console", "[faults]") {
  ForeignDeployment d("version", "");
  const std::string version = console_version(d["ADMIN_DSN"], "");
  // The same pgbouncer the script ran: the installed one.
  const CommandResult installed = run_command("/usr/sbin/pgbouncer --version");
  CHECK_THAT(version, Catch::StartsWith("PgBouncer 1."));
  CHECK_THAT(installed.output, Catch::StartsWith(version));
  CHECK(pgbouncer_at_least(version, 1, 15));               // Debian 12 has 1.18: RECONNECT is there
  CHECK(console_version(d["PGBOUNCER_DSN"], "").empty());  // not a console: no version
}

TEST_CASE("a deployment that is not steady before the run is refused, naming the layer",
          "[faults]") {
  ForeignDeployment d("unsteady", "--login-retry 1");
  REQUIRE(run_command(d.verb("pgbouncer-kill")).exit_code == 0);
  const LoadgateRun run = run_foreign(
      "foreign-unsteady", scenario(d, failover_by_command(d, "5s", "failover")), kAfterClaims);
  CHECK(run.command.exit_code == 2);
  CHECK_THAT(run.command.output, Catch::Contains("not steady before the run") &&
                                     Catch::Contains("pgbouncer (pgbouncer host=127.0.0.1") &&
                                     Catch::Contains("pool (sql"));
  CHECK_THAT(run.command.output, !Catch::Contains("database (sql"));  // that one is fine
  CHECK_FALSE(run.result.is_object());                                // nothing was sent
}

TEST_CASE("a service that never reconnects breaks the downtime claim, one that does holds it",
          "[faults]") {
  for (const bool never : {true, false}) {
    ForeignDeployment d(never ? "never" : "healthy",
                        never ? "--never-reconnect" : "--login-retry 1");
    const LoadgateRun run = run_foreign(
        never ? "foreign-never" : "foreign-healthy",
        scenario(d, fmt::format("  - {{kind: pgbouncer-restart, driver: command, name: pgbouncer, "
                                "at: 6s, recover_after: 1s, inject: \"{}\", recover: \"{}\"}}",
                                d.verb("pgbouncer-kill"), d.verb("pgbouncer-start"))),
        kAfterClaims);
    INFO(run.command.output);
    REQUIRE(run.result.is_object());
    const json& downtime = verdict(run.result, "restart-downtime");
    if (never) {
      CHECK(downtime["verdict"] == "broken");
      CHECK(downtime["measured"] == "never");
      CHECK_THAT(downtime["detail"].get<std::string>(), Catch::Contains("never recovered: items"));
      // The health check of a deployment loadgate did not start: its /healthz still fails.
      CHECK_THAT(run.result["health"]["problems"].dump(), Catch::Contains("probe service (http"));
      CHECK_THAT(run.result["faults"][0]["downtime_attribution"].get<std::string>(),
                 Catch::Contains("service NEVER BACK"));
      CHECK(run.command.exit_code == 1);
    } else {
      CHECK(downtime["verdict"] == "held");
      CHECK(run.result["health"]["problems"].empty());
      CHECK(run.command.exit_code == 0);
    }
  }
}

TEST_CASE("an asynchronous standby left behind loses acknowledged writes, named by the API's ids",
          "[faults]") {
  ForeignDeployment d("async", "--async --login-retry 1");
  const LoadgateRun run = run_foreign(
      "foreign-async", scenario(d, failover_by_command(d, "5s", "failover --lose-last 2")),
      kAfterClaims);
  {
    INFO(run.command.output);
    REQUIRE(run.result.is_object());
  }
  // The ledger and the fault first: CI shows the start of a failure's messages, and the run's
  // output after them is long.
  INFO("ledger: " << run.result["ledgers"].dump());
  json fault = run.result["faults"].at(0);
  fault.erase("layers");
  INFO("fault: " << fault.dump());
  INFO(run.command.output);
  const json& ledger = run.result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  // Acknowledged by the primary alone, then gone. The promoted standby's sequence is behind, so
  // most of those ids are given again to later writes: only the repeated acknowledgement tells.
  REQUIRE(ledger["lost"].get<int>() >= 1);
  // REQUIRE above: indexing an empty lost_ids would crash the test binary (a const json's
  // operator[] does not check), losing every later test's report.
  CHECK(ledger["lost_ids"][0].get<std::string>().find_first_not_of("0123456789") ==
        std::string::npos);
  CHECK_THAT(run.command.output, Catch::Contains("LOST"));
  CHECK(run.command.exit_code == 1);
}

TEST_CASE(
    "one claim pack, the same verdicts on the testbed and on a deployment loadgate did not "
    "start",
    "[faults]") {
  const std::string pack = source_dir() + "/scenarios/claims/000-scaling-architecture.yaml";
  const std::string after_claims = write_scenario("same-pack-claims.yaml", kAfterClaims);
  // Both pgbouncers keep pgbouncer's default server_login_retry (15 s): the run outlasts it.
  OwnTestbed testbed;
  const LoadgateRun on_testbed = run_on_testbed(
      testbed.dir,
      write_scenario("same-pack-testbed.yaml",
                     "name: same-pack\ntarget: {testbed: default}\n" + items_workload("", "30s") +
                         "faults:\n  - {kind: failover, at: 6s, mode: stop, dns_delay: 2s}\n"),
      fmt::format(" --claims {} --claims {}", pack, after_claims), "same-pack-testbed");
  ForeignDeployment d("same-pack", "--login-retry 15");
  const LoadgateRun foreign =
      run_foreign("same-pack-foreign", scenario(d, failover_by_command(d, "6s", "failover"), "30s"),
                  kAfterClaims);
  INFO(on_testbed.command.output);
  INFO(foreign.command.output);
  REQUIRE(on_testbed.result.is_object());
  REQUIRE(foreign.result.is_object());
  std::map<std::string, std::string> testbed_verdicts;
  for (const auto& claim : on_testbed.result["claims"])
    testbed_verdicts[claim["id"]] = claim["verdict"];
  size_t both_measured = 0;
  for (const auto& claim : foreign.result["claims"]) {
    const std::string id = claim["id"];
    REQUIRE(testbed_verdicts.count(id));
    // Only what a deployment loadgate did not start cannot show may differ: its processes' CPU
    // and memory (not local: "not measured", never another verdict).
    if (claim["verdict"] == "not measured" || testbed_verdicts[id] == "not measured") continue;
    INFO(id << ": testbed " << testbed_verdicts[id] << ", foreign " << claim["verdict"]);
    CHECK(claim["verdict"] == testbed_verdicts[id]);
    ++both_measured;
  }
  CHECK(both_measured >= 10);
  for (const char* id : {"failover-downtime-resize", "failover-downtime-checklist",
                         "reconnects-cleanly", "failover-clients-reconnect"}) {
    INFO(id);
    CHECK(testbed_verdicts[id] == "held");
    CHECK(verdict(foreign.result, id)["verdict"] == "held");
  }
}
