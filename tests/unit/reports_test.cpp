// Reports read back: the HdrHistogram encoding, result.json and the timeline, model claims, the
// SLO and the capacity search, observed gauges, and the HTML page's embedded data.
#include <catch2/catch.hpp>

#include <fstream>

#include "reports/claims.h"
#include "reports/console_summary.h"
#include "reports/hdr_encoding.h"
#include "reports/hdr_interval_log.h"
#include "reports/html_report.h"
#include "reports/json_result.h"
#include "reports/junit_report.h"
#include "reports/markdown_summary.h"
#include "reports/model_expression.h"
#include "reports/observations_file.h"
#include "reports/result_reader.h"
#include "reports/run_comparison.h"
#include "reports/service_level.h"
#include "reports/timeline_writer.h"
#include "tests/support/claim_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using namespace std::chrono_literals;

namespace {

Claim model_claim(const std::string& model, const std::map<std::string, double>& given,
                  const std::string& expect) {
  Claim c;
  c.id = "m";
  c.model.emplace(model);
  c.metric = "model: " + model;
  c.given = given;
  c.expect = parse_expectation(expect);
  return c;
}

// One interval of a ramp: `rate` successes/s, `errors` of them failed, latency p95 in ms.
TimelinePoint interval(uint64_t index, const std::string& workload, uint64_t successes,
                       uint64_t errors, int64_t p95_ms) {
  TimelinePoint p;
  p.index = index;
  p.end = std::chrono::seconds(index + 1);
  p.length = 1s;
  p.phase = "main";
  IntervalPoint w;
  w.name = workload;
  w.ok = successes;
  if (errors) w.errors["timeout"] = errors;
  w.p50_us = p95_ms * 500;
  w.p90_us = w.p95_us = p95_ms * 1000;
  w.p99_us = w.p99_9_us = w.max_us = p95_ms * 2000;
  p.workloads.push_back(w);
  return p;
}

}  // namespace

TEST_CASE("histograms travel in HdrHistogram's V2 compressed encoding, exactly") {
  Histogram h;
  for (int64_t v :
       std::initializer_list<int64_t>{1, 2, 999, 1000, 2047, 2048, 4096, 123'456, 3'600'000'000})
    h.record(v, static_cast<uint64_t>(v % 7 + 1));
  const std::string encoded = encode_compressed_base64(h);
  // The cookie 0x1c849314 is what makes every HdrHistogram V2 string start "HISTF".
  CHECK(encoded.rfind("HISTF", 0) == 0);
  const auto counts = decode_compressed_base64(encoded);
  REQUIRE(counts.size() <= h.counts().size());
  CHECK(std::equal(counts.begin(), counts.end(), h.counts().begin()));
  const Histogram back = Histogram::from_counts(counts, h.min(), h.max(), h.mean(), 0);
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0})
    CHECK(back.value_at_percentile(p) == h.value_at_percentile(p));
  CHECK(back.count() == h.count());
  // An empty histogram encodes too.
  CHECK(decode_compressed_base64(encode_compressed_base64(Histogram())).empty());
  // What is not a histogram says so.
  CHECK_THROWS_WITH(decode_compressed_base64("HISTF"), Contains("not base64"));
  CHECK_THROWS_WITH(decode_compressed_base64("aGVsbG8gd29ybGQh"), Contains("not an HdrHistogram"));
}

TEST_CASE("a run written to its directory reads back the same, claims re-judged alike") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-reports-roundtrip";
  std::filesystem::remove_all(dir);
  RunResult run;
  run.scenario = "roundtrip";
  run.targets = {"http://127.0.0.1:1"};
  run.started_at = WallClock::from_time_t(1'790'000'000);
  run.planned_duration = run.recorded_duration = run.elapsed = 3s;
  run.deployment = {2, 1.5, {{"pgbouncer_instances", 2}}};
  run.slo = {{"errors.rate", "< 1%"}};
  WorkloadResult w;
  w.name = "login";
  w.kind = "login";
  w.executor = "constant-arrival-rate";
  w.offered_rate = 10;
  w.scheduled = w.ok = 30;
  for (int i = 0; i < 30; ++i) w.latency.record(1000 + i * 137);
  run.workloads = {w};
  run.phases = {{"main", 0s, 3s, true, {w}}};
  FaultEvent fault;
  fault.kind = "failover";
  fault.description = "failover stop of postgres-primary";
  fault.injected = fault.recovered = true;
  fault.started_at = std::chrono::nanoseconds(4'000'430'589);  // must print back the same
  fault.recovered_at = 5s;
  fault.timings["promoted"] = 400ms;
  fault.impacts = {{"login", 10, 1s, 1s, 1500ms, std::nullopt, {{"refused", 3}}}};
  fault.clients = {{"login", "pool connection", 4, 4, 3, {"t0.p0.c1"}}};
  run.faults = {fault};
  run.ledgers = {{"login", 5, 1, 0, true, "", 5, 0, 0, 0, 0, {}}};
  run.claims = {judge(claim_of("login.latency.p99", "< 1s"), run)};
  {
    TimelineWriter timeline(dir / "timeline.jsonl");
    for (uint64_t i = 0; i < 3; ++i) {
      run.timeline.push_back(interval(i, "login", 10, 0, 5));
      timeline.write(run.timeline.back());
    }
  }
  run.observations.samples = {{1s, {{"db.backend_connections", 40}}},
                              {2s, {{"db.backend_connections", 52}, {"db.replica_lag", 0.02}}}};
  write_json_result(run, dir / "result.json");
  {
    ObservationsWriter observations(dir / "observations.jsonl");
    for (const auto& sample : run.observations.samples) observations.write(sample);
  }

  const RunResult back = read_run(dir);
  CHECK(result_to_json(back) == result_to_json(run));
  REQUIRE(back.timeline.size() == 3);
  CHECK(back.timeline[2].workloads[0].p95_us == 5000);
  CHECK(back.timeline[2].end == 3s);
  CHECK(back.observations.max("db.backend_connections") == 52);
  CHECK(judge(claim_of("login.latency.p99", "< 1s"), back).measured == run.claims[0].measured);
  CHECK(judge(claim_of("db.backend_connections.max", "<= 62"), back).status ==
        ClaimVerdict::Status::held);

  // A partial last timeline line (a run killed mid-write) is dropped; one in the middle is not.
  std::ofstream(dir / "timeline.jsonl", std::ios::app) << "{\"i\": 3, \"t\":";
  CHECK(read_run(dir).timeline.size() == 3);
  std::ofstream(dir / "timeline.jsonl", std::ios::app) << "\n{}\n";
  CHECK_THROWS_WITH(read_run(dir), Contains("timeline.jsonl:4:"));
  std::ofstream(dir / "result.json") << R"({"schema": "loadgate.result/2"})";
  CHECK_THROWS_WITH(read_run(dir), Contains("result.json: its schema is loadgate.result/2"));
  CHECK_THROWS_WITH(read_run(dir / "nothing"), Contains("is it a loadgate results directory?"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("model expressions: arithmetic, functions and named numbers, nothing else") {
  auto lookup = [](const std::string& name) -> std::optional<double> {
    if (name == "a") return 2;
    if (name == "b") return 25;
    return std::nullopt;
  };
  CHECK(ModelExpression("a * b + 12").evaluate(lookup) == 62);
  CHECK(ModelExpression("200 - (a * b + 12)").evaluate(lookup) == 138);
  CHECK(ModelExpression("ceil(1750 / 120)").evaluate(lookup) == 15);
  CHECK(ModelExpression("min(50, 200 / a) - -1").evaluate(lookup) == 51);
  CHECK(ModelExpression("floor(b / 10) * max(a, 1.5)").evaluate(lookup) == 4);
  CHECK(ModelExpression("a * b / a").names() == std::vector<std::string>{"a", "b"});
  CHECK_THROWS_WITH(ModelExpression("a *"), Contains("column 4"));
  CHECK_THROWS_WITH(ModelExpression("system(1)"), Contains("no function system()"));
  CHECK_THROWS_WITH(ModelExpression("min(1)"), Contains("takes 2 argument"));
  CHECK_THROWS_WITH(ModelExpression("(a"), Contains("expected ')'"));
  CHECK_THROWS_WITH(ModelExpression("a / (b - 25)").evaluate(lookup), Contains("division by zero"));
  CHECK_THROWS_WITH(ModelExpression("a + c").evaluate(lookup), Contains("no value for 'c'"));
}

TEST_CASE("a model claim uses the deployment's numbers over the document's") {
  const Claim claim = model_claim(
      "pgbouncer_instances * default_pool_size + reserved",
      {{"pgbouncer_instances", 2}, {"default_pool_size", 25}, {"reserved", 12}}, "<= 62");
  RunResult run;
  auto v = judge(claim, run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "62");
  CHECK_THAT(v.detail, Contains("pgbouncer_instances=2 (document)"));
  run.deployment.topology["pgbouncer_instances"] = 3;
  v = judge(claim, run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "87");
  CHECK_THAT(v.detail, Contains("pgbouncer_instances=3 (deployment)"));
  // service_instances comes from the deployment's instance count too.
  run.deployment.instances = 4;
  v = judge(model_claim("service_instances * pools", {}, "== 8"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("no value for 'pools'") && Contains("target.topology"));
  CHECK(judge(model_claim("service_instances * pools", {{"pools", 2}}, "== 8"), run).status ==
        ClaimVerdict::Status::held);
  // Computed equality is within rounding.
  CHECK(judge(model_claim("1750 / 5000", {}, "== 0.35"), run).status == ClaimVerdict::Status::held);
}

TEST_CASE("capacity is searched: the best sustained window within the SLO") {
  RunResult run;
  run.slo = {{"errors.rate", "< 1%"}, {"latency.p95", "< 100ms"}};
  run.phases = {{"main", 0s, 40s, true, {}}};
  WorkloadResult w;
  w.name = "login";
  run.workloads = {w};
  run.deployment.instances = 2;
  // A ramp: 10 s at 50/s, 10 s at 100/s, 10 s at 150/s (p95 climbs past 100 ms), then errors.
  for (uint64_t i = 0; i < 40; ++i) {
    const uint64_t rate = i < 10 ? 50 : i < 20 ? 100 : i < 30 ? 150 : 160;
    run.timeline.push_back(interval(i, "login", rate, i >= 30 ? 20 : 0, i < 20 ? 40 : 180));
  }
  const CapacitySearch search = search_capacity(run, "login");
  REQUIRE(search.capacity);
  CHECK(*search.capacity == Approx(100));
  CHECK(search.slo_broken);
  CHECK_THAT(search.evidence, Contains("5 intervals from"));
  auto v = judge(claim_of("login.capacity_per_instance", ">= 50/s"), run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "50.0/s");
  v = judge(claim_of("login.capacity_per_instance", ">= 75/s"), run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  // A ramp that never reached the SLO's edge proves no ceiling below the claim.
  run.timeline.resize(20);
  v = judge(claim_of("login.capacity_per_instance", ">= 75/s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("the SLO held at every rate offered (up to 50.0/s)"));
  run.deployment.vcpu_per_instance = 0;
  CHECK_THAT(judge(claim_of("login.capacity_per_vcpu", ">= 1/s"), run).detail,
             Contains("target.vcpu_per_instance"));
  run.slo.clear();
  CHECK_THAT(judge(claim_of("login.capacity", ">= 1/s"), run).detail,
             Contains("needs the scenario's slo"));
}

TEST_CASE("a capacity claim at the offered rate is broken when the SLO was not met") {
  RunResult run;
  run.recorded_duration = 10s;
  run.slo = {{"latency.p95", "< 100ms"}};
  WorkloadResult w;
  w.name = "login";
  w.offered_rate = 100;
  w.ok = 1000;
  for (int i = 0; i < 1000; ++i) w.latency.record(250'000);
  run.workloads = {w};
  auto v = judge(claim_of("login.throughput", ">= 100/s"), run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK_THAT(v.detail, Contains("p95 250.0ms breaks the SLO latency.p95 < 100ms"));
  run.slo = {{"latency.p95", "< 300ms"}};
  CHECK(judge(claim_of("login.throughput", ">= 100/s"), run).status == ClaimVerdict::Status::held);
}

TEST_CASE("observed gauges: the highest sample, within a phase when the claim names one") {
  RunResult run;
  run.phases = {{"warmup", 0s, 5s, false, {}}, {"steady", 5s, 10s, true, {}}};
  run.observations.samples = {{2s, {{"process.service.cpu", 1.6}, {"process.service.rss", 3e8}}},
                              {8s, {{"process.service.cpu", 0.7}, {"db.replica_lag", 0.004}}}};
  Claim cpu = claim_of("process.service.cpu.max", "<= 100%");
  CHECK(judge(cpu, run).status == ClaimVerdict::Status::broken);  // the warmup's 160 %
  cpu.phase = "steady";
  auto v = judge(cpu, run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "70.00%");
  CHECK(judge(claim_of("process.service.rss.max", "<= 512MiB"), run).measured == "286.1MiB");
  CHECK(judge(claim_of("db.replica_lag.max", "< 100ms"), run).status == ClaimVerdict::Status::held);
  CHECK_THAT(judge(claim_of("pgbouncer.cl_waiting.max", "== 0"), run).detail,
             Contains("no gauge 'pgbouncer.cl_waiting'"));
  CHECK(observed_highlights(run.observations) ==
        std::vector<std::string>{"replica lag 4.0ms", "busiest service CPU 160.00%"});
  CHECK_THAT(markdown_summary(run), Contains("- deployment, highest observed: replica lag 4.0ms, "
                                             "busiest service CPU 160.00%"));
  run.observations.samples.clear();
  CHECK_THAT(judge(claim_of("db.replica_lag.max", "< 100ms"), run).detail,
             Contains("was not observed"));
  CHECK(parse_expectation("<= 2GB").bound.amount == 2e9);
  CHECK(parse_expectation("between 256MiB and 512MiB").upper.amount == 512.0 * 1024 * 1024);
}

TEST_CASE("the HTML page embeds its data safely and shows every verdict") {
  RunResult run;
  run.scenario = "s<script>";
  WorkloadResult w;
  w.name = "login";
  w.ok = 1;
  w.latency.record(1000);
  run.workloads = {w};
  run.timeline = {interval(0, "login", 1, 0, 1)};
  run.faults = {FaultEvent{"network", "network </script><b>", 0s, 0s, 1s, true, true}};
  ClaimVerdict held;
  held.id = "held-one";
  held.source_quote = "\"quoted\" & <b>bold</b>";
  held.status = ClaimVerdict::Status::held;
  run.claims = {held};
  const std::string html = html_report(run);
  CHECK_THAT(html, Contains("<title>loadgate: s&lt;script&gt;</title>"));
  CHECK_THAT(html, Contains("<span class=\"verdict held\">held</span>"));
  CHECK_THAT(html, Contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
  // The fault's label is in the data, and cannot end the data's script element.
  CHECK_THAT(html, Contains("network <\\/script><b>"));
  CHECK(html.find("network </script>") == std::string::npos);
  CHECK_THAT(html, Contains("window.onerror"));
  CHECK_THAT(html, Contains("id=\"chart-distribution\""));
}

TEST_CASE("a claim with a precondition is judged only when the run met it") {
  RunResult run;
  run.recorded_duration = 10s;
  WorkloadResult w;
  w.name = "items";
  w.ok = 100;
  w.peak_vus = 12;
  run.workloads = {w};
  Claim handles = claim_of("items.errors.rate", "< 1%");
  handles.precondition.emplace("items.concurrency", parse_expectation(">= 1000"));
  auto v = judge(handles, run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("did not reach items.concurrency >= 1000 (measured 12)"));
  run.workloads[0].peak_vus = 1000;
  CHECK(judge(handles, run).status == ClaimVerdict::Status::held);
  // Open model: the most requests in flight at an interval's end.
  run.workloads[0].peak_vus = 0;
  run.timeline = {interval(0, "items", 10, 0, 5)};
  run.timeline[0].workloads[0].in_flight = 1500;
  CHECK(judge(handles, run).status == ClaimVerdict::Status::held);
}

TEST_CASE("compare names regressions beyond the tolerance and leaves noise alone") {
  auto run_at = [](double offered, int64_t latency_us, uint64_t errors, uint64_t lost) {
    RunResult run;
    run.scenario = "s";
    run.recorded_duration = 10s;
    WorkloadResult w;
    w.name = "api";
    w.offered_rate = offered;
    w.ok = 1000 - errors;
    if (errors) w.errors["http_503"] = errors;
    for (int i = 0; i < 1000; ++i) w.latency.record(latency_us + i);
    run.workloads = {w};
    run.ledgers = {{"api", 100, 0, 0, true, "", 100 - lost, lost, 0, 0, 0, {}}};
    return run;
  };
  const RunResult baseline = run_at(100, 10'000, 0, 0);
  // 5 % slower: within the tolerance.
  CHECK(compare_runs(baseline, run_at(100, 10'500, 0, 0), 0.10).regressions() == 0);
  // 50 % slower (p50, p95 and p99 all move by 5 ms): three regressions.
  RunComparison slower = compare_runs(baseline, run_at(100, 15'000, 0, 0), 0.10);
  CHECK(slower.regressions() == 3);
  CHECK_THAT(comparison_console(slower), Contains("REGRESSED +47.6%"));
  CHECK_THAT(comparison_markdown(slower), Contains("| **regressed** | `api.latency.p50` |"));
  // Errors up by a point and a lost write: both regress; so does the rate that fell with them.
  RunComparison broken = compare_runs(baseline, run_at(100, 10'000, 200, 1), 0.10);
  for (const char* metric : {"api.errors.rate", "ledger.lost", "api.throughput"}) {
    const auto row = std::find_if(broken.rows.begin(), broken.rows.end(),
                                  [&](const MetricDelta& d) { return d.metric == metric; });
    REQUIRE(row != broken.rows.end());
    CHECK(row->regressed);
  }
  // Another offered rate is another experiment: its achieved rate is shown, not judged.
  RunComparison other = compare_runs(baseline, run_at(200, 10'000, 0, 0), 0.10);
  CHECK(other.regressions() == 0);
  CHECK_THAT(comparison_console(other), Contains("not judged: the offered load differs"));
  // A claim that held and no longer does.
  RunResult held = baseline, now_broken = baseline;
  held.claims = {{"c", "", "", "", "m", "< 1s", ClaimVerdict::Status::held, "1.0ms", ""}};
  now_broken.claims = held.claims;
  now_broken.claims[0].status = ClaimVerdict::Status::broken;
  CHECK(compare_runs(held, now_broken, 0.10).regressions() == 1);
}

TEST_CASE("the HdrHistogram interval log has the 1.3 header and a decodable line per interval") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-hlog-test";
  std::filesystem::remove_all(dir);
  {
    HdrIntervalLog log(dir);
    log.start(WallClock::from_time_t(1'790'000'000));
    for (uint64_t i = 0; i < 2; ++i) {
      IntervalSample sample;
      sample.index = i;
      sample.end = std::chrono::seconds(i + 1);
      sample.length = 1s;
      WorkloadInterval w;
      w.name = "a/b";  // not a file name as it stands
      w.latency.record(2500, 3);
      w.latency.record(12'345);
      sample.workloads = {w};
      log.write(sample);
    }
  }
  std::ifstream in(dir / "a_b.hlog");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "#[Histogram log format version 1.3]");
  CHECK(lines[1] == "#[StartTime: 1790000000.000 (seconds since epoch), 2026-09-21T14:13:20Z]");
  CHECK(
      lines[3] ==
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
  CHECK(lines[5].rfind("1.000,1.000,12.345,HISTF", 0) == 0);
  const auto counts = decode_compressed_base64(lines[5].substr(lines[5].rfind(',') + 1));
  uint64_t total = 0;
  for (auto c : counts) total += c;
  CHECK(total == 4);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a claim scoped to a fault window is judged from the window's intervals") {
  RunResult run;
  run.planned_duration = 10s;
  run.phases = {{"main", 0s, 10s, true, {}}};
  WorkloadResult w;
  w.name = "api";
  run.workloads = {w};
  // 10 intervals of 1 s: 100 ok each, but 60 errors and a slow p99 in the 4th and 5th.
  for (uint64_t i = 0; i < 10; ++i) {
    const bool hit = i == 3 || i == 4;
    run.timeline.push_back(interval(i, "api", hit ? 40 : 100, hit ? 60 : 0, hit ? 900 : 10));
  }
  FaultEvent failover;
  failover.kind = "failover";
  failover.injected = failover.recovered = true;
  failover.started_at = 3s;
  failover.recovered_at = 5s;
  run.faults = {failover};
  run.observations.samples = {{2s, {{"db.backend_connections", 50}}},
                              {4s, {{"db.backend_connections", 120}}}};
  Claim errors = claim_of("api.errors.rate", "< 1%");
  errors.window = parse_window_scope("during failover");
  auto v = judge(errors, run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "60.00%");
  CHECK_THAT(v.detail, Contains("200 requests in 2 intervals during failover"));
  errors.window = parse_window_scope("after failover");
  CHECK(judge(errors, run).status == ClaimVerdict::Status::held);
  Claim p99 = claim_of("api.latency.p99", "< 100ms");
  p99.window = parse_window_scope("before failover");
  CHECK(judge(p99, run).status == ClaimVerdict::Status::held);
  p99.window = parse_window_scope("during failover");
  CHECK(judge(p99, run).measured == "1.80s");
  Claim throughput = claim_of("api.throughput", ">= 30/s");
  throughput.window = parse_window_scope("during failover");
  CHECK(judge(throughput, run).status == ClaimVerdict::Status::held);  // 40/s
  Claim backends = claim_of("db.backend_connections.max", "<= 62");
  backends.window = parse_window_scope("before failover");
  CHECK(judge(backends, run).status == ClaimVerdict::Status::held);
  backends.window = parse_window_scope("during failover");
  CHECK(judge(backends, run).measured == "120");
  errors.window = parse_window_scope("during wake");
  CHECK_THAT(judge(errors, run).detail, Contains("no wake fault was injected"));
  CHECK_THROWS_WITH(parse_window_scope("while failover"), Contains("before, during or after"));
}

TEST_CASE("JUnit has a testcase per SLO threshold of each workload") {
  RunResult run;
  run.scenario = "s";
  run.slo = {{"errors.rate", "< 1%"}, {"latency.p95", "< 100ms"}};
  WorkloadResult w;
  w.name = "api";
  w.ok = 90;
  w.errors["http_503"] = 10;
  for (int i = 0; i < 90; ++i) w.latency.record(20'000);
  run.workloads = {w};
  const std::string xml = junit_xml(run);
  CHECK_THAT(xml, Contains("name=\"api errors.rate &lt; 1%\"><failure message=\"errors 10.00% "
                           "breaks the SLO errors.rate &lt; 1%\">"));
  CHECK_THAT(xml, Contains("name=\"api latency.p95 &lt; 100ms\"></testcase>"));
}

TEST_CASE("a claim scoped to a phase reads only that phase's intervals") {
  RunResult run;
  run.phases = {{"warmup", 0s, 1s, false, {}}, {"steady", 1s, 1s, true, {}}};
  WorkloadResult w;
  w.name = "items";
  w.ok = 10;
  run.workloads = {w};
  run.phases[0].workloads = run.phases[1].workloads = {w};
  run.timeline = {interval(0, "items", 10, 0, 5), interval(1, "items", 10, 0, 5)};
  run.timeline[0].phase = "warmup";
  run.timeline[0].workloads[0].in_flight = 1500;  // a burst while warming up
  run.timeline[1].phase = "steady";
  run.timeline[1].workloads[0].in_flight = 10;
  Claim handles = claim_of("items.errors.rate", "< 1%");
  handles.precondition.emplace("items.concurrency", parse_expectation(">= 1000"));
  CHECK(judge(handles, run).status == ClaimVerdict::Status::held);
  handles.phase = "steady";
  auto v = judge(handles, run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("(measured 10)"));
}
