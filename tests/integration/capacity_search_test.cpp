// The capacity-search executor against a real service whose CPU is its limit: one testbed
// instance doing bcrypt at cost 10 on one core. The search must bracket the capacity (a step
// that met the SLO, one that broke it), end the run when it is done, and `loadgate report`
// must find the same steps from the run's files alone.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

TEST_CASE("a capacity search brackets a bcrypt service's capacity and report replays it",
          "[search]") {
  OwnTestbed testbed("--instances 1", 10);
  const std::string claims = write_scenario("search-claims.yaml", R"yaml(
claims:
  - id: login-capacity-searched
    source: {doc: 003_802382eaaa48b159.txt,
             quote: "bcrypt verification: ~50-100 logins/sec (at cost factor 12)"}
    metric: login.capacity
    expect: ">= 1000/s"
)yaml");
  // 4/s is well within one core at cost 10 (about 60 ms a login), 128/s far beyond it. The
  // schedule-lag limit is loose: a loaded CI machine must not end the search on loadgate.
  const LoadgateRun run = run_on_testbed(testbed.dir,
                                         write_scenario("search.yaml", fmt::format(R"yaml(
name: search
target: {{testbed: default}}
duration: 3m
client: {{max_schedule_lag: 200ms}}
slo: {{errors.rate: "< 1%", latency.p95: "< 500ms"}}
workloads:
  login:
    kind: login
    executor: {{type: capacity-search, start: 4/s, max: 128/s, hold: 3s, min_samples: 20,
               resolution: 0.1}}
claims: [{}]
)yaml",
                                                                                   claims)),
                                         "", "search");
  INFO(run.command.output);
  CHECK(run.command.exit_code == 1);  // the claim of 1000/s is broken
  REQUIRE(run.result.is_object());

  const json& search = run.result["capacity"]["login"];
  REQUIRE(search["steps"].is_array());
  double highest_met = 0, lowest_broken = 1e9;
  for (const auto& step : search["steps"]) {
    if (step["met"].get<bool>())
      highest_met = std::max(highest_met, step["rate"].get<double>());
    else
      lowest_broken = std::min(lowest_broken, step["rate"].get<double>());
  }
  CHECK(highest_met >= 4);
  CHECK(lowest_broken < 128);
  CHECK(highest_met < lowest_broken);
  // Bisected to within the resolution (10 %).
  CHECK(lowest_broken - highest_met <= 0.1 * highest_met + 1e-9);
  CHECK(search["why"] == "");
  // The capacity is what the highest met step served: at most what it was offered.
  const double capacity = search["capacity"].get<double>();
  CHECK(capacity > 0.8 * highest_met);
  CHECK(capacity <= highest_met * 1.05);
  CHECK(search["search"]["start"] == 4);
  CHECK(search["search"]["min_samples"] == 20);

  // The search ended the run, well before its three minutes.
  CHECK(run.result["elapsed_s"].get<double>() < 170);
  const json& claim = run.result["claims"][0];
  CHECK(claim["verdict"] == "broken");
  CHECK_THAT(claim["detail"].get<std::string>(),
             Contains("offered met the SLO over") && Contains("broke it"));
  CHECK_THAT(run.command.output, Contains("capacity search login:") && Contains("BROKE"));

  // From the files alone: the same steps, the same capacity, byte for byte.
  const auto again = scratch_dir() / "search-again.json";
  const CommandResult report = run_command(fmt::format(
      "{} report {} --format json -o {}", loadgate_bin(), run.result_dir, again.string()));
  INFO(report.output);
  CHECK(report.exit_code == 1);  // the broken claim, judged again
  CHECK(file_text(again) == file_text(std::filesystem::path(run.result_dir) / "result.json"));
}
