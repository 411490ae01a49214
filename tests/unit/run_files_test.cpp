// A run's directory: timeline.jsonl and observations.jsonl as the record, result.json beside
// them, read back and folded again to the same numbers.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "history/run_record.h"
#include "reports/claims.h"
#include "reports/json_result.h"
#include "reports/observations_file.h"
#include "reports/report_formats.h"
#include "reports/result_reader.h"
#include "reports/timeline_file.h"
#include "tests/support/claim_fixtures.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using loadgate::test::interval_of;
using namespace std::chrono_literals;

namespace {

// A run of 3 s, one workload, one failover at 1 s, written to `dir` as a session would.
RunResult write_run(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 3s, true}}, 10);
  run.scenario = "roundtrip";
  run.targets = {"http://127.0.0.1:1"};
  run.started_at = WallClock::from_time_t(1'790'000'000);
  run.elapsed = 3s;
  run.deployment = {2, 1.5, {{"pgbouncer_instances", 2}}};
  run.slo = {{"errors.rate", "< 1%"}};
  run.workloads[0].kind = "login";
  run.workloads[0].executor = "constant-arrival-rate";
  run.phases[0].workloads = run.workloads;
  FaultEvent fault;
  fault.kind = "failover";
  fault.description = "failover stop of postgres-primary";
  fault.injected = fault.recovered = true;
  fault.started_at = std::chrono::nanoseconds(1'000'430'589);  // must print back the same
  fault.recovered_at = 2s;
  fault.timings["promoted"] = 400ms;
  fault.clients = {{"login", "pool connection", 4, 4, 3, {"t0.p0.c1"}}};
  run.faults = {fault};
  run.ledgers = {{"login", 5, 1, 0, true, "", 5, 0, 0, 0, 0, {}}};
  std::vector<IntervalRecord> intervals;
  {
    TimelineFile timeline(dir / "timeline.jsonl");
    for (uint64_t i = 0; i < 3; ++i) {
      IntervalRecord interval = interval_of(i, "login", 10, i == 1 ? 2 : 0, 1 + 0.137 * i);
      interval.workloads[0].schedule_lag.record(50 + i);
      interval.workloads[0].service_time.record(900 + i, 10);
      timeline.write(interval);
      intervals.push_back(interval);
    }
  }
  const std::vector<ObservedSample> samples = {
      {1s, {{"db.backend_connections", 40}}},
      {2s, {{"db.backend_connections", 52}, {"db.replica_lag", 0.02}}}};
  {
    ObservationsFile observations(dir / "observations.jsonl");
    for (const auto& sample : samples) observations.observe(sample);
  }
  test::fold(run, intervals, samples);
  run.claims = {judge(claim_of("login.latency.p99", "< 1s"), run)};
  write_report_files(run, dir);
  return run;
}

}  // namespace

TEST_CASE("a run written to its directory reads back the same, claims re-judged alike") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-run-files";
  const RunResult run = write_run(dir);
  CHECK(run.workloads[0].ok == 30);
  CHECK(run.workloads[0].error_count() == 2);
  CHECK(run.faults[0].impacts.size() == 1);
  CHECK(run.faults[0].postgres_backends.peak == 52);

  const RunResult back = read_run(dir);
  CHECK(result_to_json(back) == result_to_json(run));
  CHECK(back.observed.max("db.backend_connections") == 52);
  CHECK(back.charts.timeline.size() == 3);
  CHECK(judge(claim_of("login.latency.p99", "< 1s"), back).measured == run.claims[0].measured);
  CHECK(judge(claim_of("db.backend_connections.max", "<= 62"), back).status ==
        ClaimVerdict::Status::held);
  // A claims file written later asks for a window the run was not folded for: read again for it.
  Claim during = claim_of("login.errors.rate", "< 1%");
  during.window = parse_window_scope("during failover");
  CHECK(judge(during, back).status == ClaimVerdict::Status::not_measured);
  const RunResult again = read_run(dir, fold_request_for({during}));
  const ClaimVerdict v = judge(during, again);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "16.67%");  // 2 of the 12 requests of the interval ending at 2 s
  std::filesystem::remove_all(dir);
}

TEST_CASE("a soak of half an hour or more goes into the history with its slopes and windows") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-soak-record";
  write_run(dir);
  auto soak_of = [&](double for_s) {
    std::ofstream(dir / "soak.json") << nlohmann::json{
        {"for_s", for_s},
        {"output_bytes_per_hour", 17.5e6},
        {"rss_slopes",
         {{"process.generator.rss", {{"per_hour", 2.9e6}, {"margin", 5e4}}},
          {"process.service.rss", {{"per_hour", nullptr}}}}},
        {"window_trends", {{"login.latency.p99", {{"per_hour", -0.07}, {"margin", 0.06}}}}}};
  };
  std::ofstream(dir / "windows.jsonl")
      << R"({"window": 1, "start_s": 0, "end_s": 3, "verdict": "held", )"
      << R"("workloads": [{"name": "login", "requests": 32, "errors": 2, "p50_s": 0.001, )"
      << R"("p99_s": 0.002}], "claims": [{"id": "c", "verdict": "held", "measured": "1ms"}]})"
      << "\n";
  soak_of(7200);
  const HistoryEntry night = history_entry_of(dir);
  CHECK(night.command == "soak");
  CHECK(night.figures.at("process.generator.rss.slope") == 2.9e6);
  CHECK(night.figures.at("login.latency.p99.slope") == -0.07);
  CHECK_FALSE(night.figures.contains("process.service.rss.slope"));  // not measured
  CHECK(night.figures.at("output.bytes_per_hour") == 17.5e6);
  REQUIRE(night.windows.size() == 1);
  CHECK(night.windows[0].figures.at("login.errors.rate") == Approx(2.0 / 32));
  // Shorter, a slope is an extrapolation: kept in soak.json only.
  soak_of(600);
  CHECK_FALSE(history_entry_of(dir).figures.contains("process.generator.rss.slope"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a damaged or foreign run directory is refused by file and line") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-run-files-bad";
  write_run(dir);
  // A partial last timeline line (a run killed mid-write) is dropped; one in the middle is not.
  std::ofstream(dir / "timeline.jsonl", std::ios::app) << "{\"i\": 3, \"t\":";
  CHECK(read_run(dir).workloads[0].ok == 30);
  std::ofstream(dir / "timeline.jsonl", std::ios::app) << "\n{}\n";
  CHECK_THROWS_WITH(read_run(dir), Contains("timeline.jsonl:4:"));
  // A timeline without histograms, from an older loadgate.
  std::ofstream(dir / "timeline.jsonl")
      << R"({"i": 0, "t": 1, "length": 1, "phase": "main", "generator_cpu": 0, "workloads": [{"name": "login", "scheduled": 0, "ok": 1, "expected_failures": 0, "errors": {}, "dropped": 0, "in_flight": 0, "vus": 0}]})"
      << "\n{}\n";
  CHECK_THROWS_WITH(read_run(dir),
                    Contains("timeline.jsonl:1:") && Contains("written by an older loadgate"));
  // A last line that parses but is not an interval is refused too: only a cut-off line is not.
  std::ofstream(dir / "timeline.jsonl") << R"({"i": 0})"
                                        << "\n";
  CHECK_THROWS_WITH(read_run(dir), Contains("timeline.jsonl:1:"));
  std::ofstream(dir / "result.json") << R"({"schema": "loadgate.result/3"})";
  CHECK_THROWS_WITH(read_run(dir), Contains("result.json: its schema is loadgate.result/3"));
  CHECK_THROWS_WITH(read_run(dir / "nothing"), Contains("is it a loadgate results directory?"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a record that cannot be written fails at once, naming the file and the reason") {
  AppendedFile full("/dev/full");  // a disk with no space left
  CHECK_THROWS_WITH(full.write_line("{}"), Contains("/dev/full: No space left on device"));
  CHECK_THROWS_WITH(AppendedFile("/dev/null/out/timeline.jsonl"),
                    Contains("cannot open /dev/null/out/timeline.jsonl: Not a directory"));
  // A device is not a timeline: its reader never reads it whole.
  CHECK_THROWS_WITH(read_timeline("/dev/zero", [](const IntervalRecord&) {}),
                    Contains("cannot read /dev/zero"));
}
