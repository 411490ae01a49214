// The target guard: a plan that would reach a host beyond this machine is refused unless the host
// is allowed, and faults that may act beyond it need a confirmation before a session starts.
// Nothing here sends anything anywhere: the hosts beyond loopback are under .invalid (RFC 2606,
// never resolved), and the plans are refused before a session would connect.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "harness/libpq_text.h"
#include "session/run_session.h"
#include "session/target_guard.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::LoopbackPeer;
using loadgate::test::PeerBehaviour;

namespace {

// A scenario file `yaml` in a directory of its own, planned with `request`'s other fields.
struct GuardFixture {
  std::filesystem::path dir;
  PlanRequest request;

  GuardFixture(const std::string& name, const std::string& yaml) {
    dir = std::filesystem::temp_directory_path() / ("loadgate-guard-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "s.yaml") << yaml;
    request.scenario = dir / "s.yaml";
    request.out = dir / "out";
  }
  ~GuardFixture() { std::filesystem::remove_all(dir); }
};

std::string refusal_of(const PlanRequest& request) {
  try {
    make_plan(request);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

const char* kTokens =
    "workloads: {get: {kind: jwt, secret_env: HOME, executor: {type: constant-arrival-rate, "
    "rate: 1/s}}}\n";

const char* kRemote = R"(name: remote
target: {urls: ["https://api.staging.invalid"]}
duration: 1s
workloads:
  items:
    kind: api
    executor: {type: constant-arrival-rate, rate: 1/s}
    ids: {min: 1, max: 10}
    requests: [{name: read, method: GET, path: "/items/{{id}}", expect: 200}]
  orders:
    kind: sql
    dsn: "host=127.0.0.1,db.staging.invalid port=6432 dbname=app user=app"
    executor: {type: constant-arrival-rate, rate: 1/s}
    transactions: [{name: one, sql: "SELECT 1", autocommit: true}]
)";

}  // namespace

TEST_CASE("loopback hosts are told from the rest by address, never by resolving", "[guard]") {
  for (const char* local : {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LocalHost",
                            "::ffff:127.0.0.1", "/var/run/postgresql", "@abstract-socket"})
    CHECK(is_loopback_host(local));
  for (const char* remote :
       {"10.0.0.1", "192.168.1.1", "128.0.0.1", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1",
        "localhost.example.com", "127.0.0.1.nip.io", "api.staging.invalid", ""})
    CHECK_FALSE(is_loopback_host(remote));
}

TEST_CASE("a host is allowed by its name or a *.suffix, case-insensitively", "[guard]") {
  const std::vector<std::string> allowed{"api.staging.invalid", "*.db.invalid", "[2001:db8::1]"};
  CHECK(is_allowed_host("API.Staging.invalid", allowed));
  CHECK(is_allowed_host("primary.db.invalid", allowed));
  CHECK(is_allowed_host("2001:db8::1", allowed));
  CHECK_FALSE(is_allowed_host("db.invalid", allowed));  // the suffix needs its dot
  CHECK_FALSE(is_allowed_host("evil-api.staging.invalid", allowed));
  CHECK_FALSE(is_allowed_host("api.staging.invalid.evil", allowed));
}

TEST_CASE("every host of a connection string is found, and its defaults", "[guard]") {
  CHECK(dsn_hosts("host=a.invalid,b.invalid hostaddr=127.0.0.2 dbname=x") ==
        std::vector<std::string>{"a.invalid", "b.invalid", "127.0.0.2"});
  CHECK(dsn_hosts("postgresql://u@c.invalid:5432,d.invalid/app") ==
        std::vector<std::string>{"c.invalid", "d.invalid"});
  CHECK(dsn_hosts("service=staging dbname=x") == std::vector<std::string>{"service=staging"});
  CHECK(dsn_hosts("host=/tmp/sockets dbname=x") == std::vector<std::string>{"/tmp/sockets"});
  CHECK(dsn_hosts("dbname='unclosed").empty());
  const char* saved = std::getenv("PGHOST");
  const std::string kept = saved ? saved : "";
  setenv("PGHOST", "e.invalid", 1);
  CHECK(dsn_hosts("dbname=x") == std::vector<std::string>{"e.invalid"});
  unsetenv("PGHOST");
  if (!std::getenv("PGHOSTADDR"))
    CHECK(dsn_hosts("dbname=x") == std::vector<std::string>{"/var/run/postgresql"});
  if (saved) setenv("PGHOST", kept.c_str(), 1);
}

TEST_CASE("a plan that reaches beyond loopback is refused, naming each host and the fix",
          "[guard]") {
  GuardFixture f("refused", kRemote);
  const std::string refusal = refusal_of(f.request);
  CHECK_THAT(refusal, Contains("s.yaml: refusing to reach beyond this machine") &&
                          Contains("api.staging.invalid (target.urls)") &&
                          Contains("db.staging.invalid (workloads.orders (SQL))") &&
                          Contains("--allow-target api.staging.invalid --allow-target "
                                   "db.staging.invalid") &&
                          Contains("Nothing was sent"));
  CHECK_THAT(refusal, !Contains("127.0.0.1"));  // the loopback host of the list is fine

  f.request.allowed_hosts = {"api.staging.invalid"};  // one of two: still refused, for the other
  const std::string partly = refusal_of(f.request);
  CHECK_THAT(partly, Contains("db.staging.invalid") && !Contains("api.staging.invalid ("));

  f.request.allowed_hosts = {"api.staging.invalid", "*.staging.invalid"};
  const RunPlan plan = make_plan(f.request);
  CHECK(plan.remote_hosts ==
        std::vector<std::string>{"api.staging.invalid (target.urls)",
                                 "db.staging.invalid (workloads.orders (SQL))"});
  CHECK(plan.faults_to_confirm.empty());  // no faults: allowing the hosts is enough
}

TEST_CASE("target.allow in the scenario allows as --allow-target does, and is checked", "[guard]") {
  std::string yaml = kRemote;
  yaml.replace(yaml.find("target: {"), 9,
               "target: {allow: [api.staging.invalid, \"*.staging.invalid\"], ");
  GuardFixture f("allowed", yaml);
  CHECK(make_plan(f.request).remote_hosts.size() == 2);

  GuardFixture bad("bad-allow",
                   "name: x\ntarget: {allow: [\"https://api.invalid/\"]}\n"
                   "duration: 1s\n" +
                       std::string(kTokens));
  CHECK_THAT(refusal_of(bad.request), Contains("s.yaml:2") && Contains("allow lists host names") &&
                                          Contains("https://api.invalid/"));
}

TEST_CASE("the observer, probes and a pgbouncer console fault beyond loopback are refused too",
          "[guard]") {
  GuardFixture f("observer", R"(name: watched
target: {urls: ["http://127.0.0.1:9"]}
duration: 3s
workloads: {get: {kind: jwt, secret_env: HOME, executor: {type: constant-arrival-rate, rate: 1/s}}}
observe:
  database: app
  pgbouncer: {admin_dsn: ["host=pgb.staging.invalid port=6432 dbname=pgbouncer user=stats"]}
probes:
  - {name: service, http: "https://api.staging.invalid/healthz"}
  - {name: database, sql: "host=127.0.0.1 dbname=app user=app"}
faults:
  - {kind: pgbouncer-restart, driver: pgbouncer-console, mode: pause, at: 1s, recover_after: 1s,
     admin_dsn: "host=pgb-2.staging.invalid port=6432 dbname=pgbouncer user=admin",
     database: app}
)");
  const std::string refusal = refusal_of(f.request);
  CHECK_THAT(refusal, Contains("pgb.staging.invalid (observe.pgbouncer)") &&
                          Contains("api.staging.invalid (probes.service)") &&
                          Contains("pgb-2.staging.invalid (faults[0]"));

  f.request.allowed_hosts = {"*.staging.invalid"};
  const RunPlan plan = make_plan(f.request);
  REQUIRE(plan.faults_to_confirm.size() == 1);
  CHECK_THAT(plan.faults_to_confirm[0],
             Contains("pgbouncer-restart") && Contains("at 1s") && Contains("the run reaches"));
}

TEST_CASE(
    "a cloud driver's fault needs confirming even when the load stays on loopback, and a "
    "session refuses to start without it, sending nothing",
    "[guard]") {
  LoopbackPeer peer(PeerBehaviour::ok);
  GuardFixture f("cloud", fmt::format(R"(name: cloud
target: {{urls: ["http://127.0.0.1:{}"]}}
duration: 2s
workloads:
  items:
    kind: api
    executor: {{type: constant-arrival-rate, rate: 20/s}}
    ids: {{min: 1, max: 10}}
    requests: [{{name: read, method: GET, path: "/items/{{{{id}}}}", expect: 200}}]
faults:
  - {{kind: failover, driver: aws-rds-failover, db_instance: app-db, at: 1s}}
)",
                                      peer.endpoint().port));
  RunPlan plan = make_plan(f.request);
  CHECK(plan.remote_hosts.empty());
  REQUIRE(plan.faults_to_confirm.size() == 1);
  CHECK_THAT(plan.faults_to_confirm[0], Contains("acts on a cloud or cluster through "
                                                 "aws-rds-failover"));
  CHECK_FALSE(plan.faults_confirmed);
  {
    RunSession session(plan);
    CHECK_THROWS_WITH(session.prepare(), Contains("--confirm-faults") &&
                                             Contains("aws-rds-failover") &&
                                             Contains("Nothing was sent"));
  }
  CHECK(peer.replies() == 0);
  CHECK_FALSE(std::filesystem::exists(f.dir / "out" / "timeline.jsonl"));

  f.request.faults_confirmed = true;
  CHECK(make_plan(f.request).faults_confirmed);

  // A command fault of the user's on a loopback deployment (the foreign-deployment tests) needs
  // no confirming: its commands act where the load goes.
  GuardFixture local("command", fmt::format(R"(name: local
target: {{urls: ["http://127.0.0.1:{}"]}}
duration: 3s
workloads: {{get: {{kind: jwt, secret_env: HOME, executor: {{type: constant-arrival-rate, rate: 1/s}}}}}}
faults:
  - {{kind: failover, driver: command, name: flip, inject: "true", at: 1s}}
)",
                                            peer.endpoint().port));
  CHECK(make_plan(local.request).faults_to_confirm.empty());
}
