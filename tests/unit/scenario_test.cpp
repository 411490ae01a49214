#include <catch2/catch.hpp>

#include "harness/scenario.h"

using namespace loadgate;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const std::string kValid = R"(name: demo
target:
  testbed: default
duration: 10s
client:
  threads: 2
  request_timeout: 3s
workloads:
  validate:
    kind: jwt
    executor: {type: constant-arrival-rate, rate: 200/s}
    tokens: 10
)";

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_scenario(text, "s.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a valid scenario becomes a plan") {
  Scenario s = parse_scenario(kValid, "s.yaml", {});
  CHECK(s.name == "demo");
  CHECK(s.target.testbed == "default");
  CHECK(s.duration == Duration(10s));
  CHECK(s.client.threads == 2);
  CHECK(s.client.request_timeout == Duration(3s));
  CHECK(s.client.connect_timeout == Duration(2s));  // default kept
  REQUIRE(s.workloads.size() == 1);
  CHECK(s.workloads[0].name == "validate");
  CHECK(s.workloads[0].kind == "jwt");
  CHECK(s.workloads[0].executor.profile.level_at(Duration::zero()) == Approx(200));
  CHECK(s.workloads[0].settings.at("tokens").as_integer(1, 100) == 10);
}

TEST_CASE("each kind of invalid scenario is rejected with its file, line and key") {
  SECTION("malformed YAML") {
    CHECK_THAT(error_of("name: [unclosed\n"), Contains("s.yaml:") && Contains("malformed YAML"));
  }
  SECTION("an empty file") {
    CHECK_THAT(error_of(""), Contains("empty"));
  }
  SECTION("an unknown top-level key, with a suggestion") {
    CHECK_THAT(error_of(replace(kValid, "duration:", "duraton:")),
               Contains("s.yaml:4:1") && Contains("unknown key 'duraton'") &&
                   Contains("did you mean 'duration'"));
  }
  SECTION("an unknown key inside the executor") {
    CHECK_THAT(error_of(replace(kValid, "rate: 200/s", "rate: 200/s, burst: 3")),
               Contains("s.yaml:11:") && Contains("workloads.validate.executor.burst"));
  }
  SECTION("a wrong type: a list where a duration goes") {
    CHECK_THAT(error_of(replace(kValid, "duration: 10s", "duration: [10s]")),
               Contains("s.yaml:4:11") && Contains("duration: expected a duration"));
  }
  SECTION("a duration without a unit") {
    CHECK_THAT(error_of(replace(kValid, "duration: 10s", "duration: 10")),
               Contains("s.yaml:4:11") && Contains("with a unit"));
  }
  SECTION("a rate without a unit") {
    CHECK_THAT(error_of(replace(kValid, "rate: 200/s", "rate: 200")),
               Contains("s.yaml:11:") && Contains("workloads.validate.executor.rate") &&
                   Contains("like 200/s"));
  }
  SECTION("a number out of range") {
    CHECK_THAT(error_of(replace(kValid, "threads: 2", "threads: 0")),
               Contains("s.yaml:6:12") && Contains("out of range"));
  }
  SECTION("a connection cap smaller than the generator threads") {
    CHECK_THAT(error_of(replace(kValid, "threads: 2", "threads: 2\n  connections: 1")),
               Contains("s.yaml:7:") && Contains("at least one per thread"));
  }
  SECTION("an idle timeout of zero") {
    CHECK_THAT(error_of(replace(kValid, "threads: 2", "threads: 2\n  idle_timeout: 0s")),
               Contains("s.yaml:7:") && Contains("longer than zero"));
  }
  SECTION("a response body limit without a unit, or above 1GiB") {
    CHECK_THAT(error_of(replace(kValid, "threads: 2", "threads: 2\n  max_response_body: 4096")),
               Contains("s.yaml:7:") && Contains("like 1MiB"));
    CHECK_THAT(error_of(replace(kValid, "threads: 2", "threads: 2\n  max_response_body: 2GiB")),
               Contains("s.yaml:7:") && Contains("at most 1GiB"));
  }
  SECTION("a missing required key") {
    CHECK_THAT(error_of(replace(kValid, "name: demo\n", "")),
               Contains("missing required key 'name'"));
  }
  SECTION("an unknown executor type") {
    CHECK_THAT(error_of(replace(kValid, "constant-arrival-rate", "per-vu-iterations")),
               Contains("s.yaml:11:") && Contains("unknown executor type 'per-vu-iterations'"));
  }
  SECTION("a target with both a testbed and URLs") {
    CHECK_THAT(error_of(replace(kValid, "testbed: default",
                                "testbed: default\n  urls: [http://127.0.0.1:1]")),
               Contains("s.yaml:3:3") && Contains("not both"));
  }
  SECTION("no workloads") {
    CHECK_THAT(error_of(kValid.substr(0, kValid.find("workloads:")) + "workloads: {}\n"),
               Contains("at least one workload"));
  }
}

TEST_CASE("overrides given with --set are type-checked exactly as the file is") {
  SECTION("a valid override replaces the value") {
    Scenario s =
        parse_scenario(kValid, "s.yaml", {"duration=2s", "workloads.validate.executor.rate=50/s"});
    CHECK(s.duration == Duration(2s));
    CHECK(s.workloads[0].executor.profile.level_at(Duration::zero()) == Approx(50));
  }
  SECTION("an override can add a key the file left out") {
    Scenario s = parse_scenario(kValid, "s.yaml",
                                {"client.max_in_flight=7", "client.max_response_body=64KiB"});
    CHECK(s.client.max_in_flight == 7);
    CHECK(s.client.max_response_body == 64 * 1024);
  }
  SECTION("a badly typed override names the flag, not a file line") {
    CHECK_THAT(error_of(kValid, {"duration=soon"}),
               Contains("--set duration") && Contains("expected a duration"));
    CHECK_THAT(error_of(kValid, {"client.threads=many"}),
               Contains("--set client.threads") && Contains("whole number"));
  }
  SECTION("an override of an unknown key is rejected") {
    CHECK_THAT(error_of(kValid, {"workloads.validate.executor.burst=3"}),
               Contains("--set workloads.validate.executor.burst") && Contains("unknown key"));
  }
  SECTION("an override without '=' is rejected") {
    CHECK_THAT(error_of(kValid, {"duration"}), Contains("path.to.key=value"));
  }
  SECTION("an override below a single value is rejected") {
    CHECK_THAT(error_of(kValid, {"duration.seconds=3"}), Contains("holds a single value"));
  }
}

TEST_CASE("a missing scenario file is named in the error") {
  CHECK_THROWS_WITH(load_scenario("/nonexistent/scenario.yaml", {}),
                    Contains("/nonexistent/scenario.yaml") && Contains("No such file"));
}

TEST_CASE("faults are read onto the run's timeline, and impossible schedules are refused") {
  const std::string head =
      "name: f\ntarget: {testbed: default}\nduration: 30s\n"
      "workloads:\n  w: {kind: jwt, executor: {type: constant-vus, vus: 1}}\n";
  Scenario scenario = parse_scenario(
      head + "faults:\n  - {kind: pgbouncer-restart, at: 5s, recover_after: 2s, every: 10s}\n",
      "f.yaml", {});
  REQUIRE(scenario.faults.size() == 1);
  CHECK(scenario.faults[0].kind == "pgbouncer-restart");
  CHECK(scenario.faults[0].at == std::chrono::seconds(5));
  CHECK(scenario.faults[0].recover_after == std::chrono::seconds(2));
  CHECK(scenario.faults[0].every == std::chrono::seconds(10));
  CHECK_THROWS_WITH(parse_scenario(head + "faults:\n  - {kind: x, at: 30s}\n", "f.yaml", {}),
                    Contains("f.yaml:7:") && Contains("during the run (0s to 30s)"));
  CHECK_THROWS_WITH(
      parse_scenario(head + "faults:\n  - {kind: x, at: 1s, recover_after: 5s, every: 5s}\n",
                     "f.yaml", {}),
      Contains("f.yaml:7:") && Contains("every > recover_after"));
  CHECK_THROWS_WITH(parse_scenario(head + "faults:\n  - {at: 1s}\n", "f.yaml", {}),
                    Contains("f.yaml:7:") && Contains("kind"));
  // duration is recover_after by another name; both at once is a mistake.
  scenario =
      parse_scenario(head + "faults:\n  - {kind: network, at: 5s, duration: 3s}\n", "f.yaml", {});
  CHECK(scenario.faults[0].recover_after == std::chrono::seconds(3));
  CHECK_THROWS_WITH(
      parse_scenario(head + "faults:\n  - {kind: x, at: 1s, duration: 2s, recover_after: 2s}\n",
                     "f.yaml", {}),
      Contains("f.yaml:7:") && Contains("not both"));
}

TEST_CASE("a fault must be recovered while the run lasts") {
  const std::string head =
      "name: f\ntarget: {testbed: default}\nduration: 30s\n"
      "workloads:\n  w: {kind: jwt, executor: {type: constant-vus, vus: 1}}\n";
  CHECK_THROWS_WITH(
      parse_scenario(head + "faults:\n  - {kind: x, at: 20s, recover_after: 10s}\n", "f.yaml", {}),
      Contains("f.yaml:7:") && Contains("recovered during the run"));
}

TEST_CASE("an override creates the mappings its path needs when the file has none") {
  Scenario s = parse_scenario(kValid, "s.yaml", {"client.tls.insecure=true"});
  CHECK_FALSE(s.client.tls.verify);
  // A path through a plain value is still refused, by name.
  CHECK_THAT(error_of(kValid, {"duration.seconds=3"}),
             Contains("'duration' holds a single value, not keys"));
}

TEST_CASE("a capacity search is read with its defaults, and a search it cannot run is refused") {
  const std::string searched = replace(replace(kValid, "{type: constant-arrival-rate, rate: 200/s}",
                                               "{type: capacity-search, start: 10/s, max: 400/s}"),
                                       "workloads:", "slo: {latency.p95: \"< 500ms\"}\nworkloads:");
  SECTION("the defaults: doubling, 10 s holds, within 5%") {
    const Scenario s = parse_scenario(searched, "s.yaml", {});
    REQUIRE(s.workloads[0].executor.search);
    const RateSearchSpec& search = *s.workloads[0].executor.search;
    CHECK(search.start == Approx(10));
    CHECK(search.max == Approx(400));
    CHECK(search.factor == Approx(2));
    CHECK(search.hold == Duration(10s));
    CHECK(search.resolution == Approx(0.05));
    CHECK(s.workloads[0].executor.profile.level_at(Duration::zero()) == Approx(10));
  }
  SECTION("a step instead of a factor") {
    const Scenario s =
        parse_scenario(replace(searched, "max: 400/s", "max: 400/s, step: 25/s"), "s.yaml", {});
    CHECK(s.workloads[0].executor.search->step == Approx(25));
    CHECK(s.workloads[0].executor.search->factor == Approx(1));
  }
  SECTION("no slo: to judge the steps by") {
    CHECK_THAT(error_of(replace(searched, "slo: {latency.p95: \"< 500ms\"}\n", "")),
               Contains("s.yaml:11:") && Contains("has none"));
  }
  SECTION("both a step and a factor") {
    CHECK_THAT(error_of(replace(searched, "max: 400/s", "max: 400/s, step: 5/s, factor: 3")),
               Contains("s.yaml:12:") && Contains("not both"));
  }
  SECTION("a max below the start") {
    CHECK_THAT(error_of(replace(searched, "max: 400/s", "max: 5/s")),
               Contains("executor.max") && Contains("must be at least start"));
  }
  SECTION("a resolution that is not a fraction") {
    CHECK_THAT(error_of(replace(searched, "max: 400/s", "max: 400/s, resolution: 5")),
               Contains("executor.resolution") && Contains("0.001 to 0.5"));
  }
}
