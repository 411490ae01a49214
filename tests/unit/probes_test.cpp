// Steady-state probes: read from a scenario (a mistake is refused at its line), one try of each
// layer against something real on loopback, and the sampler keeping only the changes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "harness/scenario.h"
#include "observe/probe_sampler.h"
#include "observe/probes.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using namespace loadgate::test;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

// `probes:` of a minimal scenario; its first line is line 6.
ProbeSettings probes_of(const std::string& yaml) {
  const Scenario scenario = parse_scenario(R"(name: p
target: {urls: ["http://127.0.0.1:9"]}
duration: 1m
workloads: {w: {kind: jwt, executor: {type: constant-arrival-rate, rate: 1/s}}}
probes:
)" + yaml,
                                           "p.yaml", {});
  return read_probes(*scenario.probes);
}

std::string refusal(const std::string& yaml) {
  try {
    probes_of(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("probes are read from the scenario, in order, with what each layer needs") {
  const ProbeSettings settings = probes_of(R"(  every: 100ms
  layers:
    - {name: database, sql: "host=127.0.0.1 port=5433 dbname=app user=app", writable: true}
    - {name: pgbouncer, pgbouncer: "host=127.0.0.1 port=6432 dbname=pgbouncer user=admin"}
    - {name: pool, sql: "postgresql://app@127.0.0.1:6432/app"}
    - {name: service, http: "http://127.0.0.1:8080/healthz", expect: 204}
    - {name: dns, command: [getent, hosts, localhost]}
)");
  REQUIRE(settings.probes.size() == 5);
  CHECK(settings.every == 100ms);
  CHECK(settings.between == 5s);
  CHECK(settings.probes[0].writable);
  CHECK(settings.probes[0].address == "127.0.0.1:5433");
  CHECK(settings.probes[3].endpoint.port == 8080);
  CHECK(settings.probes[3].path == "/healthz");
  CHECK(settings.probes[3].expect == 204);
  CHECK(settings.probes[4].argv == std::vector<std::string>{"getent", "hosts", "localhost"});
  // The pool is the pgbouncer's address (a URI and key=value alike): it goes through it.
  const auto infos = probe_infos(settings);
  CHECK(infos[2].through == "pgbouncer");
  CHECK(infos[0].through.empty());
  // A bare list is the layers with the defaults.
  CHECK(probes_of("  - {name: up, command: 'true'}\n").probes.size() == 1);
}

TEST_CASE("a probe that is not one layer, or misspelt, is refused at its line") {
  CHECK_THAT(refusal("  - {name: x, sql: 'host=a', http: 'http://a/'}\n"),
             Contains("p.yaml:6") && Contains("give one of sql, pgbouncer, http or command (not "
                                              "sql and http)"));
  CHECK_THAT(refusal("  - {name: x, http: 'http://a/', writable: true}\n"),
             Contains("writable is for sql probes"));
  CHECK_THAT(refusal("  - {name: x, sql: 'host=a password=hunter2'}\n"),
             Contains("password_env or password_file") && !Contains("hunter2"));
  CHECK_THAT(refusal("  - {name: x, http: 'ftp://a/'}\n"), Contains("http or https"));
  CHECK_THAT(refusal("  - {name: x, command: 'true'}\n  - {name: x, command: 'true'}\n"),
             Contains("p.yaml:7") && Contains("two probes are named x"));
  CHECK_THAT(refusal("  layers: []\n"), Contains("no probes"));
  CHECK_THAT(refusal("  - {name: x, comand: 'true'}\n"), Contains("comand"));
}

TEST_CASE("one try of each layer says why it failed") {
  LoopbackPeer ok(PeerBehaviour::ok), busy(PeerBehaviour::busy_then_close);
  ProbeSpec http;
  http.layer = ProbeSpec::Layer::http;
  http.endpoint = ok.endpoint();
  CHECK_FALSE(probe_once(http, 1s));
  http.endpoint = busy.endpoint();
  CHECK(probe_once(http, 1s) == "HTTP 503 (expected 200)");

  ProbeSpec command;
  command.layer = ProbeSpec::Layer::command;
  command.argv = {"/bin/sh", "-c", "exit 3"};
  CHECK(probe_once(command, 1s) == "exited 3");
  command.argv = {"/bin/sh", "-c", "sleep 5"};
  CHECK(probe_once(command, 200ms) == "ran past 200ms");

  ProbeSpec sql;  // nothing listens there
  sql.target = fmt::format("host=127.0.0.1 port={} dbname=app user=app", find_free_port());
  CHECK_THAT(probe_once(sql, 1s).value_or(""), Contains("Connection refused"));
}

TEST_CASE("the sampler keeps only changes, and tries faster once a fault starts") {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-probes-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto flag = dir / "down";
  ProbeSettings settings;
  settings.every = 50ms;
  settings.between = 10s;  // far longer than the test: only a fault's start wakes it
  ProbeSpec layer;
  layer.name = "flag";
  layer.layer = ProbeSpec::Layer::command;
  layer.argv = {"/bin/sh", "-c", fmt::format("test ! -e {}", flag.string())};
  settings.probes = {layer};
  {
    ProbeSampler sampler(settings, dir / "probes.jsonl", nullptr);
    const auto start = Clock::now();
    sampler.start(start);
    std::this_thread::sleep_for(300ms);  // one try, then a long wait
    std::ofstream(flag) << "x";
    sampler.fault_started();
    std::this_thread::sleep_for(400ms);
    std::filesystem::remove(flag);
    sampler.fault_recovered();
    std::this_thread::sleep_for(400ms);
    sampler.stop();
    const auto& changes = sampler.changes();
    REQUIRE(changes.size() == 2);
    CHECK_FALSE(changes[0].up);
    CHECK(changes[0].reason == "exited 1");
    CHECK(changes[0].at >= 300ms);
    CHECK(changes[0].at < 450ms);  // tried at once when the fault started, not 10 s later
    CHECK(changes[1].up);
    CHECK(changes[1].at >= 700ms);
    CHECK(changes[1].at < 850ms);
    CHECK(sampler.counts()[0].tries > 10);  // every 50 ms while it was in
    CHECK(sampler.counts()[0].failed >= 5);
  }
  std::ifstream file(dir / "probes.jsonl");
  std::string first;
  std::getline(file, first);
  const auto line = nlohmann::json::parse(first);
  CHECK(line["probe"] == "flag");
  CHECK(line["up"] == false);
  CHECK(line["reason"] == "exited 1");
  std::filesystem::remove_all(dir);
}

TEST_CASE("a probe that cannot even try leaves gaps and a warning, not an outage") {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-probe-gaps-{}", ::getpid());
  std::filesystem::create_directories(dir);
  ProbeSettings settings;
  settings.every = 50ms;
  ProbeSpec missing;
  missing.name = "missing";
  missing.layer = ProbeSpec::Layer::command;
  missing.argv = {(dir / "no-such-program").string()};
  settings.probes = {missing};
  ProbeSampler sampler(settings, dir / "probes.jsonl", nullptr);
  sampler.start(Clock::now());
  sampler.fault_started();
  std::this_thread::sleep_for(300ms);
  sampler.stop();
  CHECK(sampler.changes().empty());  // nothing is known of its layer
  CHECK(sampler.counts()[0].tries == 0);
  REQUIRE(sampler.warnings().size() == 1);
  CHECK_THAT(sampler.warnings()[0], Contains("tries could not be made") && Contains("missing: ") &&
                                        Contains("no-such-program"));
  // Before or after the run the same probe simply does not pass.
  CHECK_THAT(steady_state(settings, Duration::zero())[0], Contains("the probe could not try"));
  std::filesystem::remove_all(dir);
}
