// `loadgate gate` as CI runs it: a baseline stored, the same service passing against it, and a
// latency planted in front of the service (a loadgate-proxy of the test's own, with a toxic)
// caught as a regression with exit 1, in the console, junit.xml and the step summary. Bad input
// is refused before anything runs.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faults/proxy_client.h"
#include "harness/process.h"
#include "testbed/testbed_state.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// A loadgate-proxy in front of one of the shared testbed's services: the test's own, so a toxic
// on it slows this test's requests and no other test's.
struct ProxiedService {
  uint16_t port = find_free_port(), control = find_free_port();
  pid_t pid = 0;
  uint64_t ticks = 0;
  testbed::TestbedState state;

  ProxiedService() {
    state = *testbed::read_state(shared_testbed_dir());
    const auto* service = state.find("service-1");
    REQUIRE(service);
    ProcessSpec spec;
    spec.argv = {std::filesystem::path(loadgate_bin()).parent_path() / "loadgate-proxy",
                 "--listen",
                 fmt::format("127.0.0.1:{}", port),
                 "--upstream",
                 fmt::format("127.0.0.1:{}", service->port),
                 "--control",
                 fmt::format("127.0.0.1:{}", control)};
    spec.log_file = scratch_dir() / "gate-proxy.log";
    pid = spawn_detached(spec);
    ticks = process_start_ticks(pid);
    REQUIRE(wait_for_port("127.0.0.1", control, std::chrono::seconds(10)));
  }
  ~ProxiedService() { stop_process(pid, ticks, std::chrono::seconds(2)); }
  void send(const std::string& command) const { ProxyClient("127.0.0.1", control).send(command); }
};

}  // namespace

TEST_CASE(
    "a stored baseline passes against the same service, and a planted latency is a regression "
    "with exit 1",
    "[gate]") {
  ProxiedService target;
  const std::string scenario =
      write_scenario("gate.yaml", fmt::format(R"yaml(
name: gate-test
target: {{urls: ["http://127.0.0.1:{}"]}}
duration: 4s
client: {{interval: 250ms}}
workloads:
  validate:
    kind: jwt
    executor: {{type: constant-arrival-rate, rate: 200/s}}
    secret_file: {}
)yaml",
                                              target.port, target.state.jwt_secret_file));
  const auto baseline = scratch_dir() / "gate-baseline.json";
  const auto gate = [&](const std::string& tag, const std::string& extra) {
    const auto out = scratch_dir() / tag;
    return std::pair{
        run_command(fmt::format("{} gate {} --repeat 2 --baseline {} --out {} {}", loadgate_bin(),
                                scenario, baseline.string(), out.string(), extra)),
        out};
  };

  // No baseline yet: the first gate stores one.
  auto [first, first_out] = gate("gate-first", "--update-baseline");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.output, Contains("gate gate-test: PASS (2 repeats)") &&
                               Contains("no baseline to compare with") &&
                               Contains("baseline stored: " + baseline.string() + " (2 runs)"));
  const json stored = json_file(baseline);
  CHECK(stored["schema"] == "loadgate.gate-samples/1");
  CHECK(stored["runs"] == 2);
  // 4 s of 250 ms intervals, twice: 16 samples of each figure a run (the last interval may
  // straddle the end).
  const json& runs = stored["workloads"][0]["samples"]["latency.p99"];
  REQUIRE(runs.size() == 2);  // run by run
  CHECK(runs[0].size() >= 15);
  CHECK(runs[1].size() >= 15);
  CHECK(std::filesystem::exists(first_out / "repeat-1" / "result.json"));
  CHECK(std::filesystem::exists(first_out / "repeat-2" / "result.json"));

  // The same service again: every figure "~", exit 0.
  auto [same, same_out] = gate("gate-same", "");
  INFO(same.output);
  CHECK(same.exit_code == 0);
  const json same_gate = json_file(same_out / "gate.json");
  CHECK(same_gate["verdict"] == "PASS");
  REQUIRE(same_gate["comparison"]["rows"].size() == 4);
  for (const auto& row : same_gate["comparison"]["rows"]) CHECK(row["verdict"] != "REGRESSION");
  // Each repeat's report draws the baseline beside the run: in a browser, throughput has the
  // workload's series and the baseline's, latency its p99, p50 and the baseline's p99.
  const CommandResult dom = run_command(
      "chromium --headless --no-sandbox --disable-gpu --log-level=3 --dump-dom file://" +
          (same_out / "repeat-1" / "report.html").string(),
      90);
  REQUIRE(dom.exit_code == 0);
  CHECK_THAT(dom.output,
             Contains("data-script-errors=\"0\"") && Contains("Grey, dashed: the baseline's") &&
                 Contains("id=\"chart-throughput\" data-drawn=\"true\" data-series=\"2\"") &&
                 Contains("id=\"chart-latency\" data-drawn=\"true\" data-series=\"3\"") &&
                 Contains("validate baseline p99"));

  // 20 ms more on every response: p50 and p99 regress, CI sees exit 1 and a failed testcase.
  target.send("toxic latency 20");
  const auto step_summary = scratch_dir() / "step-summary.md";
  auto [slow, slow_out] = gate("gate-slow", "");
  const std::string with_summary =
      fmt::format("env GITHUB_STEP_SUMMARY={} {} gate {} --repeat 2 --baseline {} --out {}",
                  step_summary.string(), loadgate_bin(), scenario, baseline.string(),
                  (scratch_dir() / "gate-slow-summary").string());
  const CommandResult slow_again = run_command(with_summary);
  target.send("clear");
  INFO(slow.output);
  CHECK(slow.exit_code == 1);
  CHECK_THAT(slow.output, Contains("gate gate-test: FAIL") && Contains("validate.latency.p50") &&
                              Contains("REGRESSION"));
  const json slow_gate = json_file(slow_out / "gate.json");
  CHECK(slow_gate["exit_code"] == 1);
  bool p50_regressed = false;
  for (const auto& row : slow_gate["comparison"]["rows"])
    if (row["metric"] == "validate.latency.p50") {
      p50_regressed = row["verdict"] == "REGRESSION";
      CHECK(row["current"].get<double>() > row["baseline"].get<double>() + 0.015);
      CHECK(row["p"].get<double>() < 0.001);
    }
  CHECK(p50_regressed);
  std::string secret = file_text(target.state.jwt_secret_file);
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back())))
    secret.pop_back();
  REQUIRE(secret.size() >= 16);
  for (const char* file : {"gate.json", "junit.xml", "summary.md", "repeat-1/result.json"})
    CHECK_THAT(file_text(slow_out / file), !Contains(secret));
  CHECK_THAT(
      file_text(slow_out / "junit.xml"),
      Contains("<testcase classname=\"gate.gate-test\" name=\"validate.latency.p50\"><failure "
               "message=\"regression: "));
  CHECK(slow_again.exit_code == 1);
  CHECK_THAT(file_text(step_summary), Contains("### loadgate gate: gate-test: **FAIL**") &&
                                          Contains("| validate.latency.p50 |"));
}

TEST_CASE("gate: bad input is refused before anything runs, with exit 2", "[cli]") {
  const std::string scenario = write_scenario("gate-bad.yaml", R"yaml(
name: gate-bad
target: {urls: ["http://127.0.0.1:9"]}
duration: 1s
workloads:
  v: {kind: jwt, executor: {type: constant-arrival-rate, rate: 10/s}, secret_env: HOME}
)yaml");
  const auto missing = scratch_dir() / "no-such-baseline.json";
  CommandResult no_baseline = run_command(
      fmt::format("{} gate {} --baseline {}", loadgate_bin(), scenario, missing.string()));
  CHECK(no_baseline.exit_code == 2);
  CHECK_THAT(no_baseline.output,
             Contains(missing.string() + ": no such file or directory (store one first with "
                                         "--update-baseline)"));

  CommandResult directory =
      run_command(fmt::format("{} gate {} --baseline {} --update-baseline", loadgate_bin(),
                              scenario, scratch_dir().string()));
  CHECK(directory.exit_code == 2);
  CHECK_THAT(directory.output, Contains("is a directory: --update-baseline writes a samples file"));

  const std::string not_samples = write_scenario("not-samples.json", R"({"schema": "x"})");
  CommandResult wrong =
      run_command(fmt::format("{} gate {} --baseline {}", loadgate_bin(), scenario, not_samples));
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.output, Contains(not_samples + ": not gate samples"));

  CommandResult effect =
      run_command(fmt::format("{} gate {} --baseline {} --update-baseline --min-effect 10ms",
                              loadgate_bin(), scenario, missing.string()));
  CHECK(effect.exit_code == 2);
  CHECK_THAT(effect.output, Contains("--min-effect 10ms: expected a share"));

  const std::string other = write_scenario(
      "other-samples.json",
      R"({"schema": "loadgate.gate-samples/1", "scenario": "other", "runs": 1, "workloads": []})");
  CommandResult mismatch =
      run_command(fmt::format("{} gate {} --baseline {}", loadgate_bin(), scenario, other));
  CHECK(mismatch.exit_code == 2);
  CHECK_THAT(mismatch.output, Contains(other + " is of scenario other, not gate-bad"));

  const std::string typo = write_scenario("gate-typo.yaml", "name: t\nduratoin: 1s\n");
  CommandResult bad = run_command(fmt::format("{} gate {} --baseline {} --update-baseline",
                                              loadgate_bin(), typo, missing.string()));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Contains("gate-typo.yaml:2"));
  CHECK_FALSE(std::filesystem::exists(missing));  // nothing ran, nothing was stored
}
