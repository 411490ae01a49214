// `loadgate phase2` as an operator runs it: seed 000's migration checklist on a testbed of its
// own, every item ticked with its evidence in every format; and on the shared testbed a planted
// problem (a fleet that never scales out: its gauge command prints the same count throughout)
// failing its gate item, the item after it not checked unless --keep-going, and a gauge command
// that cannot run failing its step before any load.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// `loadgate phase2 CHECKLIST --testbed TESTBED --out scratch/TAG EXTRA`; the out directory.
std::pair<CommandResult, std::filesystem::path> phase2(const std::string& checklist,
                                                       const std::string& testbed,
                                                       const std::string& tag,
                                                       const std::string& extra = "",
                                                       int timeout = 120) {
  const auto out = scratch_dir() / tag;
  std::filesystem::remove_all(out);
  return {run_command(fmt::format("{} phase2 {} --testbed {} --out {} {}", loadgate_bin(),
                                  checklist, testbed, out.string(), extra),
                      timeout),
          out};
}

// A ramp of SQL users while a command gauge reads `gauge_command`, judged by the testbed
// checklist's own autoscaling claims; short.
constexpr const char* kScalingStep = R"yaml(name: scaling
target: {{testbed: default}}
phases: [{{name: quiet, duration: 2s}}, {{name: ramp, duration: 4s}}]
observe:
  commands: [{{name: db_connections, run: "{}", every: 1s}}]
workloads:
  load:
    kind: sql
    executor: {{type: ramping-vus, start_vus: 1, stages: [{{target: 1, duration: 2s}}, {{target: 8, duration: 4s}}]}}
    pool_max: 8
    transactions: [{{name: hold, sql: "SELECT pg_sleep(0.05)"}}]
)yaml";

// The planted checklist: a gate item whose fleet never scales, then the replica lag item.
std::string planted_checklist(const std::string& gauge_command) {
  const std::string phase2 = source_dir() + "/scenarios/phase2";
  write_scenario("phase2-scaling.yaml", fmt::format(kScalingStep, gauge_command));
  return write_scenario("phase2-planted.yaml", fmt::format(R"(name: planted
items:
  - id: autoscaling-reacts
    check: the fleet scales out under a ramp
    quote: "Verify auto-scaling reacts as expected via a synthetic load test"
    steps: [{{scenario: phase2-scaling.yaml, claims: [{0}/claims/autoscaling.yaml]}}]
  - id: replica-lag
    check: replica lag under 100 ms
    steps:
      - {{scenario: {0}/steps/replica-lag.yaml, claims: [{0}/claims/replica-lag.yaml],
          set: ["phases.0.duration=1s", "phases.1.duration=3s",
                "workloads.writes.executor.rate=20/s"]}}
)",
                                                           phase2));
}

}  // namespace

TEST_CASE(
    "scenarios/phase2/testbed.yaml: every item of the migration checklist ticked, with its "
    "evidence, in every format",
    "[phase2]") {
  OwnTestbed testbed;
  const auto summary = scratch_dir() / "phase2-step-summary.md";
  std::filesystem::remove(summary);
  const auto [run, out] = phase2(source_dir() + "/scenarios/phase2/testbed.yaml", testbed.dir,
                                 "phase2-testbed", "", 420);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Contains("phase2 phase2-testbed: PASS (4 of 4 ticked)"));
  const json list = json_file(out / "checklist.json");
  CHECK(list["verdict"] == "PASS");
  REQUIRE(list["items"].size() == 4);
  for (const auto& item : list["items"]) {
    INFO(item.dump(2));
    CHECK(item["status"] == "ticked");
    REQUIRE(item["steps"].size() == 1);
    const std::filesystem::path dir = item["steps"][0]["dir"].get<std::string>();
    CHECK(std::filesystem::exists(dir / "report.html"));  // what the HTML's link opens
    CHECK_FALSE(item["steps"][0]["claims"].empty());
    for (const auto& claim : item["steps"][0]["claims"]) {
      CHECK(claim["status"] == "held");
      CHECK_FALSE(claim["source"]["quote"].get<std::string>().empty());
    }
  }
  // The command gauge was read through the ramp, and rose.
  const json& scaling = list["items"][2]["steps"][0]["claims"];
  CHECK(scaling[0]["metric"] == "command.db_connections.rise");
  CHECK(std::stod(scaling[0]["measured"].get<std::string>()) >= 5);
  const std::string junit = file_text(out / "junit.xml");
  for (const char* id : {"failover-reconnects", "replica-lag", "autoscaling-reacts", "acceptance"})
    CHECK_THAT(junit, Contains(fmt::format("name=\"{}\"", id)));
  CHECK(junit.find("<failure") == std::string::npos);
  CHECK_THAT(file_text(out / "checklist.html"), Contains("PASS") && Contains("failover-downtime"));
  CHECK_THAT(file_text(out / "checklist.md"), Contains("- [x] **acceptance**"));
}

TEST_CASE(
    "phase2: a fleet that never scales fails its gate item, and the next is not checked "
    "unless --keep-going",
    "[testbed]") {
  const std::string checklist = planted_checklist("echo 2");
  {
    const auto [run, out] = phase2(checklist, shared_testbed_dir(), "phase2-planted");
    INFO(run.output);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.output,
               Contains("phase2 planted: FAIL (0 of 2 ticked)") &&
                   Contains("broken scaled-under-ramp: command.db_connections.rise = 0") &&
                   Contains("not checked: gate item autoscaling-reacts failed"));
    const json list = json_file(out / "checklist.json");
    CHECK(list["items"][0]["status"] == "FAILED");
    CHECK(list["items"][1]["status"] == "not checked");
    CHECK(list["items"][1]["steps"].empty());  // nothing ran
    CHECK_THAT(file_text(out / "junit.xml"), Contains("name=\"autoscaling-reacts\"><failure") &&
                                                 Contains("name=\"replica-lag\"><skipped"));
  }
  {
    // Recorded in a history as a nightly checklist would be: each item's verdict is a claim's.
    const auto db = scratch_dir() / "phase2-history.db";
    std::filesystem::remove(db);
    const auto [run, out] =
        phase2(checklist, shared_testbed_dir(), "phase2-keep-going",
               fmt::format("--keep-going --history {} --label night=1", db.string()));
    INFO(run.output);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.output, Contains("history: recorded as #1"));
    const json list = json_file(out / "checklist.json");
    CHECK(list["items"][0]["status"] == "FAILED");
    CHECK(list["items"][1]["status"] == "ticked");
    const CommandResult listed = run_command(
        fmt::format("{} history {} --history {}", loadgate_bin(), checklist, db.string()));
    INFO(listed.output);
    CHECK(listed.exit_code == 0);
    CHECK_THAT(listed.output, Contains("phase2  failed") && Contains("night=1"));
    const auto page = scratch_dir() / "phase2-trend.html";
    const CommandResult trend = run_command(fmt::format(
        "{} trend planted --history {} -o {}", loadgate_bin(), db.string(), page.string()));
    INFO(trend.output);
    CHECK(trend.exit_code == 0);
    const std::string html = file_text(page);
    CHECK_THAT(html, Contains("autoscaling-reacts") && Contains("replica-lag/") &&
                         Contains("replica-lag.writes.latency.p99"));
  }
  {
    const auto [run, out] =
        phase2(checklist, shared_testbed_dir(), "phase2-only", "--only replica-lag");
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.output, Contains("not selected (--only)"));
  }
}

TEST_CASE("phase2: a gauge command that cannot run fails its step before any load, naming it",
          "[testbed]") {
  const std::string checklist = planted_checklist("no-such-tool --count");
  const auto [run, out] =
      phase2(checklist, shared_testbed_dir(), "phase2-bad-gauge", "--only autoscaling-reacts");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Contains("not checked") &&
                             Contains("observe: command.db_connections (`no-such-tool --count`): "
                                      "exited 127"));
  const json list = json_file(out / "checklist.json");
  CHECK(list["items"][0]["steps"][0]["claims"].empty());  // it never ran
}

TEST_CASE("phase2 refuses a checklist with a bad step before anything runs", "[cli]") {
  const std::string bad = write_scenario("phase2-bad.yaml", fmt::format(R"(name: bad
items:
  - id: lag
    check: c
    steps: [{{scenario: {}/scenarios/phase2/steps/replica-lag.yaml, set: ["phases.9.duration=1s"]}}]
)",
                                                                        source_dir()));
  const CommandResult run = run_command(fmt::format("{} phase2 {} --out {}", loadgate_bin(), bad,
                                                    (scratch_dir() / "phase2-bad").string()));
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Contains("item lag, step 1") && Contains("phases.9"));
  CHECK_FALSE(std::filesystem::exists(scratch_dir() / "phase2-bad" / "1-lag"));
  const CommandResult aws = run_command(fmt::format(
      "{} phase2 {}/scenarios/phase2/aws-staging.yaml --dry-run", loadgate_bin(), source_dir()));
  INFO(aws.output);
  CHECK(aws.exit_code == 0);  // the template's every step plans, and prints its commands
  CHECK_THAT(
      aws.output,
      Contains("aws rds reboot-db-instance --db-instance-identifier app-db --force-failover") &&
          Contains("observe command.ecs.running_tasks every 15s: aws ecs describe-services"));
}
