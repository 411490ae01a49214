// `loadgate calibrate` and a scenario that names its file: the testbed's logins get a physics
// ceiling at the testbed's own bcrypt cost, a claim above it is broken as physically impossible
// in result.json, and `loadgate report` judges it the same from the files alone.
#include <catch2/catch.hpp>

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

TEST_CASE("a login claim above calibrated ceiling x vCPUs is broken as physically impossible",
          "[testbed]") {
  const auto calibration = scratch_dir() / "calibration.json";
  const CommandResult calibrate =
      run_command(fmt::format("{} calibrate --bcrypt-cost 4 --bcrypt-cost 12 --seconds 0.3 -o {}",
                              loadgate_bin(), calibration.string()));
  INFO(calibrate.output);
  REQUIRE(calibrate.exit_code == 0);
  CHECK_THAT(calibrate.output, Contains("bcrypt verification at cost 4") &&
                                   Contains("HS256 verification") &&
                                   Contains("written to " + calibration.string()));

  const std::string claims = write_scenario("physics-claims.yaml", R"yaml(
claims:
  - id: login-capacity-per-instance
    source: {doc: 003_802382eaaa48b159.txt,
             quote: "bcrypt verification: ~50-100 logins/sec (at cost factor 12)"}
    metric: login.throughput_per_instance
    expect: ">= 1000000/s"
)yaml");
  const std::string scenario =
      write_scenario("physics.yaml", fmt::format(R"yaml(
name: physics
target: {{testbed: default, vcpu_per_instance: 1, calibration: {}}}
duration: 2s
workloads:
  login:
    kind: login
    executor: {{type: constant-arrival-rate, rate: 5/s}}
claims: [{}]
)yaml",
                                                 calibration.string(), claims));
  const LoadgateRun run = run_on_shared_testbed(scenario, "", "physics");
  INFO(run.command.output);
  CHECK(run.command.exit_code == 1);  // a claim broken
  REQUIRE(run.result.is_object());
  const json ceiling = run.result["deployment"]["ceilings"]["login"];
  CHECK(ceiling["work"] == "bcrypt verification at cost 4");
  CHECK(ceiling["per_core"].get<double>() > 10);
  const json claim = run.result["claims"][0];
  CHECK(claim["verdict"] == "broken");
  CHECK_THAT(claim["detail"].get<std::string>(),
             Contains("the ceiling on 1 vCPU for bcrypt verification at cost 4 is") &&
                 Contains("the claim of 1000000.0/s is physically impossible"));

  const CommandResult report = run_command(fmt::format("{} report {} --format json --claims {}",
                                                       loadgate_bin(), run.result_dir, claims));
  CHECK(report.exit_code == 1);
  CHECK_THAT(report.output, Contains("physically impossible"));
}
