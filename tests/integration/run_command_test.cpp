// `loadgate run` as a user runs it: the demo against the shared testbed, and every kind of bad
// input answered by one located line and exit code 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

size_t line_count(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

const std::string kScenarioTail =
    "duration: 1s\n"
    "workloads:\n"
    "  v:\n"
    "    kind: jwt\n"
    "    executor: {type: constant-arrival-rate, rate: 10/s}\n"
    "    secret_env: HOME\n";

}  // namespace

TEST_CASE("demo.yaml runs against the testbed and writes the JSON result", "[testbed]") {
  const auto out = scratch_dir() / "demo-out";
  CommandResult run = run_command(
      loadgate_bin() + " run " + source_dir() + "/scenarios/demo.yaml" + " --testbed " +
      shared_testbed_dir() + " --set duration=3s --set workloads.validate.executor.rate=200/s" +
      " --out " + out.string());
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.output,
             Contains("validate") && Contains("results: " + (out / "result.json").string()));

  std::ifstream in(out / "result.json");
  REQUIRE(in);
  json result = json::parse(in);
  CHECK(result["schema"] == "loadgate.result/4");
  CHECK(result["scenario"] == "demo");
  CHECK(result["interrupted"] == false);
  CHECK(result["targets"].size() == 2);
  REQUIRE(result["workloads"].size() == 1);
  json w = result["workloads"][0];
  CHECK(w["scheduled"] == 600);
  CHECK(w["attempts"] == 600);
  CHECK(w["ok"] == 600);
  CHECK(w["error_count"] == 0);
  CHECK(w["dropped"] == 0);
  CHECK(w["achieved_rate"].get<double>() == Approx(200).epsilon(0.05));
  json latency = w["latency_us"];
  CHECK(latency["count"] == 600);
  CHECK(latency["p50"].get<int64_t>() > 0);
  CHECK(latency["p50"] <= latency["p99"]);
  CHECK(latency["p99"] <= latency["max"]);
  // Latency runs from the intended start, so it is never shorter than the service time.
  CHECK(latency["p50"] >= w["service_time_us"]["p50"]);
}

TEST_CASE(
    "claims are judged after the run: exit 1 when one is broken, and with --gate when one "
    "could not be measured",
    "[testbed]") {
  const std::string claims = write_scenario("demo-claims.yaml", R"yaml(
claims:
  - id: no-errors
    source: {doc: test, quote: "no errors"}
    metric: validate.errors.rate
    expect: "< 1%"
  - id: jwt-capacity
    source: {doc: 003_802382eaaa48b159.txt, quote: "JWT validation: ~1,000-5,000 validations/sec"}
    metric: validate.throughput_per_instance
    expect: ">= 1000/s"
)yaml");
  const std::string impossible = write_scenario("demo-impossible.yaml", R"yaml(
claims:
  - id: instant
    source: {doc: test, quote: "answers in no time"}
    metric: validate.latency.p50
    expect: "< 1us"
)yaml");
  // The verdict plumbing is under test, not the generator check: a loaded CI machine must not turn
  // these 200 requests generator-bound (that verdict is "not measured", tested in the unit tests).
  auto run = [&](const std::string& extra, const std::string& tag) {
    const auto out = scratch_dir() / tag;
    CommandResult r = run_command(
        loadgate_bin() + " run " + source_dir() + "/scenarios/demo.yaml --testbed " +
        shared_testbed_dir() + " --set duration=2s --set workloads.validate.executor.rate=100/s" +
        " --set client.max_schedule_lag=1s" + " --out " + out.string() + " " + extra);
    std::ifstream in(out / "result.json");
    return std::make_pair(r, in ? json::parse(in) : json());
  };

  const auto [judged, result] = run("--claims " + claims, "claims-run");
  INFO(judged.output);
  CHECK(judged.exit_code == 0);  // one held, one not measured: no gate
  REQUIRE(result["claims"].size() == 2);
  CHECK(result["claims"][0]["verdict"] == "held");
  CHECK(result["claims"][1]["verdict"] == "not measured");
  CHECK_THAT(result["claims"][1]["detail"].get<std::string>(),
             Contains("offered 50.0/s, below the claimed 1000.0/s"));  // 100/s over 2 instances
  CHECK_THAT(judged.output, Contains("held         no-errors") &&
                                Contains("JWT validation: ~1,000-5,000 validations/sec"));

  const auto [gated, gated_result] = run("--claims " + claims + " --gate", "claims-gate");
  INFO(gated.output);
  CHECK(gated.exit_code == 1);
  CHECK_THAT(gated.output, Contains("FAILED: claim jwt-capacity not measured"));

  const auto [broken, broken_result] = run("--claims " + impossible, "claims-broken");
  INFO(broken.output);
  CHECK(broken.exit_code == 1);
  CHECK(broken_result["claims"][0]["verdict"] == "broken");
  // The same verdicts for CI (JUnit XML, well-formed) and for a pull request (Markdown).
  const auto junit = scratch_dir() / "claims-broken" / "junit.xml";
  CHECK(run_command("xmllint --noout " + junit.string()).exit_code == 0);
  const std::string junit_text = run_command("cat " + junit.string()).output;
  CHECK_THAT(junit_text, Contains("<testcase classname=\"claims.test\" name=\"instant\"><failure"));
  const std::string gated_junit =
      run_command("cat " + (scratch_dir() / "claims-gate" / "junit.xml").string()).output;
  CHECK_THAT(gated_junit,
             Contains("name=\"jwt-capacity\"><skipped message=\"not measured: offered"));
  const std::string markdown =
      run_command("cat " + (scratch_dir() / "claims-gate" / "summary.md").string()).output;
  CHECK_THAT(markdown, Contains("**Claims: 1 held, 0 broken, 1 not measured**") &&
                           Contains("| held | no-errors | `validate.errors.rate` | < 1% |"));

  const CommandResult typo =
      run_command(loadgate_bin() + " run " + source_dir() + "/scenarios/demo.yaml --testbed " +
                  shared_testbed_dir() + " --claims " + source_dir() + "/no/such/claims.yaml");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.output, Contains("no/such/claims.yaml: cannot read the claims file"));
}

TEST_CASE("a run aimed at a testbed that is not there says so", "[cli]") {
  CommandResult run =
      run_command(loadgate_bin() + " run " + source_dir() + "/scenarios/demo.yaml --testbed " +
                  (scratch_dir() / "none").string());
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Contains("no testbed in") && Contains("loadgate testbed up"));
  CHECK(line_count(run.output) == 1);
}

TEST_CASE("bad input gets one line naming the file and line, or the address, and exit 2", "[cli]") {
  struct Case {
    const char* what;
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"malformed YAML", "name: [oops\n", "malformed.yaml:"},
      {"an unknown key",
       "name: x\ntarget: {urls: [http://127.0.0.1:1]}\nthreads: 4\n" + kScenarioTail,
       "unknown.yaml:3:1: threads: unknown key"},
      {"a wrong type",
       "name: x\ntarget: {urls: [http://127.0.0.1:1]}\n" +
           std::string("duration: fast\nworkloads: {}\n"),
       "wrongtype.yaml:3:11: duration: expected a duration"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string file =
        std::vector<std::string>{"malformed.yaml", "unknown.yaml", "wrongtype.yaml"}[i];
    CommandResult run = run_command(loadgate_bin() + " run " + write_scenario(file, cases[i].text));
    INFO(cases[i].what << ": " << run.output);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Contains(cases[i].expected));
    CHECK(line_count(run.output) == 1);
  }
}

TEST_CASE("a missing scenario file is named", "[cli]") {
  CommandResult run = run_command(loadgate_bin() + " run /nonexistent/loadgate/scenario.yaml");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Contains("/nonexistent/loadgate/scenario.yaml") && Contains("No such file"));
  CHECK(line_count(run.output) == 1);
}

TEST_CASE("an unreachable target is named by its address before any load is sent", "[cli]") {
  const uint16_t port = find_free_port();  // nothing listens there
  const std::string file = write_scenario(
      "unreachable.yaml",
      "name: x\ntarget: {urls: [http://127.0.0.1:" + std::to_string(port) + "]}\n" + kScenarioTail);
  CommandResult run = run_command(loadgate_bin() + " run " + file);
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Contains("127.0.0.1:" + std::to_string(port)) && Contains("connect_refused"));
  CHECK(line_count(run.output) == 1);
}

TEST_CASE("a badly typed --set names the flag", "[cli]") {
  CommandResult run =
      run_command(loadgate_bin() + " run " + source_dir() +
                  "/scenarios/demo.yaml --set workloads.validate.executor.rate=fast");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Contains("--set workloads.validate.executor.rate") && Contains("like 200/s"));
}

TEST_CASE("a results file that cannot be written ends the run at once, keeping what it measured",
          "[testbed]") {
  const auto out = scratch_dir() / "full-disk-out";
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out / "hdr");
  std::filesystem::create_symlink("/dev/full", out / "hdr" / "validate.hlog");  // no space left
  CommandResult run = run_command(
      loadgate_bin() + " run " + source_dir() + "/scenarios/demo.yaml" + " --testbed " +
      shared_testbed_dir() + " --set duration=20s --set workloads.validate.executor.rate=100/s" +
      " --out " + out.string());
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Contains("the run ended early: a results file could not be written") &&
                             Contains("validate.hlog: No space left on device"));
  std::ifstream in(out / "result.json");
  REQUIRE(in);
  const json result = json::parse(in);
  CHECK(result["elapsed_s"].get<double>() < 10);  // not the 20 s planned
  CHECK_THAT(result["stopped_by"].get<std::string>(), Contains("No space left on device"));
  CHECK(result["workloads"][0]["ok"].get<int>() > 0);  // the first interval, measured and kept
  CHECK(result["workloads"][0]["error_count"] == 0);   // in flight when it stopped: drained
}
