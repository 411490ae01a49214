// A ready fault driver through `loadgate run`, as a user runs the AWS templates: a fake `aws` on
// PATH plays RDS, and a loopback peer plays the API, so nothing leaves 127.0.0.1.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/fake_tools.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Contains;
using nlohmann::json;

TEST_CASE(
    "the RDS failover template runs aws-rds-failover's calls, --dry-run runs none, and a "
    "failing call fails the run",
    "[cli]") {
  LoopbackPeer api(PeerBehaviour::ok);
  const FakeTools aws(scratch_dir() / "fake-aws");
  // run_command puts timeout(1) in front: PATH goes through env(1).
  const std::string env = fmt::format("env PATH={}:$PATH", aws.dir().string());
  const std::string scenario = source_dir() + "/scenarios/faults/aws-rds-failover.yaml";
  const std::string shorter = fmt::format(
      " --set 'target.urls=[\"http://127.0.0.1:{}\"]'"
      " --set 'phases=[{{name: warmup, duration: 1s}}, {{name: steady, duration: 3s}}]'"
      " --set faults.0.at=2s --set faults.0.check_every=200ms --set faults.0.timeout=5s"
      " --set 'workloads.items.ids={{min: 1, max: 100}}'",
      api.endpoint().port);

  CommandResult dry =
      run_command(fmt::format("{} {} run {} --dry-run{}", env, loadgate_bin(), scenario, shorter));
  INFO(dry.output);
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.output,
             Contains("fault at 2s: failover by aws-rds-failover app-db") &&
                 Contains("    inject:  aws rds reboot-db-instance --db-instance-identifier "
                          "app-db --force-failover\n") &&
                 Contains("nothing is sent"));
  CHECK(aws.calls().empty());  // nothing ran

  aws.answer("describe-db-instances", {"rebooting", "available"});
  const auto out = scratch_dir() / "ready-driver-out";
  // A cloud driver's fault needs a yes: with no --confirm-faults and no terminal, nothing runs.
  CommandResult refused = run_command(
      fmt::format("{} {} run {}{} --out {}", env, loadgate_bin(), scenario, shorter, out.string()),
      60);
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Contains("--confirm-faults to inject them") &&
                                 Contains("acts on a cloud or cluster through aws-rds-failover") &&
                                 Contains("Nothing was sent"));
  CHECK(aws.calls().empty());
  CHECK_FALSE(std::filesystem::exists(out / "timeline.jsonl"));
  CommandResult run = run_command(fmt::format("{} {} run {}{} --confirm-faults --out {}", env,
                                              loadgate_bin(), scenario, shorter, out.string()),
                                  60);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const std::string describe =
      "aws rds describe-db-instances --db-instance-identifier app-db --query "
      "DBInstances[0].DBInstanceStatus --output text";
  CHECK(aws.calls() ==
        std::vector<std::string>{
            "aws rds reboot-db-instance --db-instance-identifier app-db --force-failover", describe,
            describe});
  std::ifstream in(out / "result.json");
  const json result = json::parse(in);
  // A failover by a ready driver is a failover: claims keyed by kind judge it.
  CHECK(result["faults"][0]["kind"] == "failover");
  CHECK(result["faults"][0]["driver"] == "aws-rds-failover");
  CHECK(result["faults"][0]["description"] == "failover by aws-rds-failover app-db");
  CHECK(result["faults"][0]["injected"] == true);
  CHECK(result["faults"][0]["injected_at_s"].get<double>() >= 2.0);
  CHECK(std::filesystem::exists(out / "faults" / "aws-rds-failover.log"));

  // A failing call fails the run, naming the call and what it said.
  aws.answer("reboot-db-instance", {"!254"});
  CommandResult failing =
      run_command(fmt::format("{} {} run {}{} --confirm-faults --out {}-failing", env,
                              loadgate_bin(), scenario, shorter, out.string()),
                  60);
  INFO(failing.output);
  CHECK(failing.exit_code == 2);
  CHECK_THAT(failing.output,
             Contains("inject `aws rds reboot-db-instance") && Contains("exited 254"));
}
