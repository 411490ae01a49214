// Claims: expectations, metrics measured from results, and verdicts at their boundaries.
#include <catch2/catch.hpp>

#include <fstream>

#include <fmt/format.h>

#include "reports/claims.h"
#include "reports/junit_report.h"
#include "reports/markdown_summary.h"
#include "tests/support/claim_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using namespace std::chrono_literals;

TEST_CASE("expectations read values with their units, and refuse bare or mixed ones") {
  auto e = parse_expectation(">= 50/s");
  CHECK(e.op == Expectation::Op::ge);
  CHECK(e.quantity() == Quantity::rate);
  CHECK(e.bound.amount == Approx(50));
  CHECK(e.holds(50));
  CHECK_FALSE(e.holds(49.9));
  e = parse_expectation("<= 30s");
  CHECK(e.quantity() == Quantity::duration);
  CHECK(e.holds(30));
  CHECK_FALSE(e.holds(30.001));
  e = parse_expectation("< 1%");
  CHECK(e.quantity() == Quantity::share);
  CHECK(e.bound.amount == Approx(0.01));
  CHECK_FALSE(e.holds(0.01));
  e = parse_expectation("between 5s and 15s");
  CHECK(e.op == Expectation::Op::between);
  CHECK(e.holds(5));
  CHECK(e.holds(15));
  CHECK_FALSE(e.holds(15.1));
  e = parse_expectation("== 0");
  CHECK(e.quantity() == Quantity::count);
  CHECK(parse_expectation("< 250ms").bound.amount == Approx(0.25));
  CHECK(parse_expectation(">= 5/m").bound.amount == Approx(5.0 / 60));
  CHECK_THROWS_WITH(parse_expectation("about 50/s"), Contains("not an expectation"));
  CHECK_THROWS_WITH(parse_expectation(">= fast"), Contains("\"fast\" is not a value"));
  CHECK_THROWS_WITH(parse_expectation("between 5s and 15/s"), Contains("both ends"));
  CHECK_THROWS_WITH(parse_expectation("between 15s and 5s"), Contains("low end is above"));
}

namespace {

RunResult run_with(double offered, uint64_t ok, uint64_t errors, Duration recorded) {
  RunResult run;
  run.recorded_duration = recorded;
  WorkloadResult w;
  w.name.assign("login");
  w.offered_rate = offered;
  w.ok = ok;
  if (errors) w.errors["http_503"] = errors;
  for (uint64_t i = 0; i < ok; ++i) w.latency.record(10'000);  // 10 ms
  run.workloads.push_back(w);
  return run;
}

RunResult with_instances(RunResult run, size_t instances) {
  run.deployment.instances = instances;
  return run;
}

}  // namespace

TEST_CASE("a capacity claim is judged only when the run offered the claimed rate") {
  // 2 instances, 100/s offered and achieved: 50/s per instance.
  RunResult run = run_with(100, 1000, 0, 10s);
  auto v = judge(claim_of("login.throughput_per_instance", ">= 50/s"), with_instances(run, 2));
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "50.0/s");
  // Offered 40/s (20/s per instance) and got it all: not a verdict on 50/s.
  run = run_with(40, 400, 0, 10s);
  v = judge(claim_of("login.throughput_per_instance", ">= 50/s"), with_instances(run, 2));
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("offered 20.0/s, below the claimed 50.0/s"));
  // Offered 200/s, only 60/s came back: broken.
  run = run_with(200, 600, 1400, 10s);
  v = judge(claim_of("login.throughput_per_instance", ">= 50/s"), with_instances(run, 2));
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "30.0/s");
  // Without knowing the instances there is no per-instance number.
  v = judge(claim_of("login.throughput_per_instance", ">= 50/s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("instances is unknown"));
}

TEST_CASE("latency, error rate, generator-bound runs, faults and the ledger") {
  RunResult run = run_with(100, 990, 10, 10s);
  CHECK(judge(claim_of("login.latency.p95", "< 20ms"), run).status == ClaimVerdict::Status::held);
  CHECK(judge(claim_of("login.latency.p99.9", "< 5ms"), run).status ==
        ClaimVerdict::Status::broken);
  auto v = judge(claim_of("login.errors.rate", "< 1%"), run);
  CHECK(v.status == ClaimVerdict::Status::broken);  // exactly 1 %
  CHECK(v.measured == "1.00%");
  // A metric of another kind than the expectation is not judged.
  v = judge(claim_of("login.latency.p95", ">= 5/s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("is a duration, the claim expects a rate"));
  // When the generator was the limit, load numbers judge nothing.
  run.generator.generator_bound = true;
  v = judge(claim_of("login.latency.p95", "< 20ms"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("generator-bound"));
  run.generator.generator_bound = false;
  CHECK_THAT(judge(claim_of("nosuch.latency.p95", "< 20ms"), run).detail,
             Contains("no workload 'nosuch'"));

  // Faults: the worst window; a workload never back is "never".
  FaultEvent failover;
  failover.kind = "failover";
  failover.injected = true;
  FaultImpact slow{"login", 100, 1s, 12s, 12500ms, 13s, {}};
  FaultImpact stuck{"login", 100, 1s, 20s, std::nullopt, std::nullopt, {}};
  failover.impacts = {slow};
  failover.timings["dns_switched"] = 5s;
  run.faults = {failover};
  CHECK(judge(claim_of("fault.failover.downtime", "<= 30s"), run).measured == "12.00s");
  CHECK(judge(claim_of("fault.failover.dns_switched.max", "<= 10s"), run).status ==
        ClaimVerdict::Status::held);
  run.faults[0].impacts.push_back(stuck);
  v = judge(claim_of("fault.failover.recovered", "<= 30s"), run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "never");
  // Never back: its downtime is not the 20 s until the window ended, it is never.
  for (const char* what : {"downtime", "first_success", "recovered"}) {
    v = judge(claim_of(fmt::format("fault.failover.{}", what), "<= 30s"), run);
    CHECK(v.status == ClaimVerdict::Status::broken);
    CHECK(v.measured == "never");
    CHECK_THAT(v.detail, Contains("never recovered: login after the failover at 0s"));
  }
  CHECK(judge(claim_of("fault.failover.first_error", "<= 30s"), run).measured == "1.00s");
  CHECK(judge(claim_of("fault.wake.held_for", "<= 15s"), run).status ==
        ClaimVerdict::Status::not_measured);

  // The ledger: read back, or no verdict.
  LedgerResult ledger;
  ledger.workload = "login";
  ledger.verified = true;
  run.ledgers = {ledger};
  CHECK(judge(claim_of("ledger.lost", "== 0"), run).status == ClaimVerdict::Status::held);
  run.ledgers[0].verified = false;
  CHECK(judge(claim_of("ledger.lost", "== 0"), run).status == ClaimVerdict::Status::not_measured);
}

TEST_CASE("a claims file is read with located errors") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-claims-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "c.yaml";
  std::ofstream(file) << "claims:\n"
                         "  - id: a\n"
                         "    source: {doc: 003.txt, quote: \"50-100 logins/sec\"}\n"
                         "    metric: login.throughput\n"
                         "    expect: \">= 50/s\"\n"
                         "    phase: steady\n";
  const auto claims = load_claims(file);
  REQUIRE(claims.size() == 1);
  CHECK(claims[0].source_quote == "50-100 logins/sec");
  CHECK(claims[0].phase == "steady");
  std::ofstream(file) << "claims:\n"
                         "  - id: a\n"
                         "    source: {doc: 003.txt, quote: q}\n"
                         "    metric: login.throughput\n"
                         "    expect: \"roughly 50/s\"\n";
  CHECK_THROWS_WITH(load_claims(file), Contains("c.yaml:5:") && Contains("not an expectation"));
  CHECK_THROWS_WITH(load_claims(dir / "missing.yaml"), Contains("cannot read the claims file"));
  std::ofstream(file) << "claims:\n"
                         "  - id: m\n"
                         "    source: {doc: 000.txt, quote: q}\n"
                         "    model: a * (b + 1)\n"
                         "    given: {a: 2, b: 24}\n"
                         "    expect: \"== 50\"\n"
                         "    requires: \"login.concurrency >= 10\"\n";
  const auto model = load_claims(file);
  REQUIRE(model.size() == 1);
  CHECK(model[0].model->names() == std::vector<std::string>{"a", "b"});
  CHECK(model[0].given.at("b") == 24);
  CHECK(model[0].precondition->first == "login.concurrency");
  std::ofstream(file) << "claims:\n"
                         "  - id: m\n"
                         "    source: {doc: 000.txt, quote: q}\n"
                         "    model: a * \n"
                         "    expect: \"== 50\"\n";
  CHECK_THROWS_WITH(load_claims(file), Contains("c.yaml:4:") && Contains("expected a number"));
  std::ofstream(file) << "claims:\n"
                         "  - id: m\n"
                         "    source: {doc: 000.txt, quote: q}\n"
                         "    metric: login.throughput\n"
                         "    model: a\n"
                         "    expect: \"== 50\"\n";
  CHECK_THROWS_WITH(load_claims(file), Contains("give either metric:"));
  std::ofstream(file) << "claims:\n"
                         "  - id: m\n"
                         "    source: {doc: 000.txt, quote: q}\n"
                         "    metric: login.throughput\n"
                         "    expect: \">= 5/s\"\n"
                         "    requires: \"login.concurrency\"\n";
  CHECK_THROWS_WITH(load_claims(file), Contains("c.yaml:6:") && Contains("METRIC >= VALUE"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("JUnit and Markdown carry the verdicts, escaped") {
  RunResult run = run_with(100, 1000, 0, 10s);
  run.scenario = "s";
  ClaimVerdict broken;
  broken.id = "a<b";
  broken.source_doc = "003.txt";
  broken.source_quote = "say \"50\" & more | less";
  broken.metric = "login.latency.p95";
  broken.expect = "< 50ms";
  broken.status = ClaimVerdict::Status::broken;
  broken.measured = "246.5ms";
  ClaimVerdict unmeasured = broken;
  unmeasured.id = "b";
  unmeasured.status = ClaimVerdict::Status::not_measured;
  unmeasured.measured.clear();
  unmeasured.detail = "offered 1.0/s, below the claimed 50.0/s";
  run.claims = {broken, unmeasured};
  LedgerResult ledger;
  ledger.workload = "login";
  ledger.verified = true;
  ledger.acknowledged = 10;
  ledger.lost = 2;
  run.ledgers = {ledger};

  const std::string xml = junit_xml(run);
  CHECK_THAT(xml, Contains("<testsuite name=\"claims\" tests=\"2\" failures=\"1\" skipped=\"1\">"));
  CHECK_THAT(xml, Contains("name=\"a&lt;b\"><failure message=\"broken: login.latency.p95 measured "
                           "246.5ms, expected &lt; 50ms\">"));
  CHECK_THAT(xml, Contains("say &quot;50&quot; &amp; more"));
  CHECK_THAT(xml, Contains("<skipped message=\"not measured: offered 1.0/s"));
  CHECK_THAT(xml, Contains("name=\"no acknowledged write of login lost\"><failure message=\"2 of "
                           "10 acknowledged writes lost\""));

  const std::string md = markdown_summary(run);
  CHECK_THAT(md, Contains("**Claims: 0 held, 1 broken, 1 not measured**"));
  CHECK_THAT(md, Contains("| **broken** | a<b | `login.latency.p95` | < 50ms | 246.5ms |"));
  CHECK_THAT(md, Contains("more \\| less"));  // a pipe would end the cell
  CHECK_THAT(md, Contains("**2 LOST**"));
}

TEST_CASE("a capacity claim at the offered rate allows for the arrivals' counting noise") {
  // 100/s for 10 s over 2 instances: 1000 expected, 3 sigma is 95 requests, 4.7/s per instance.
  auto v = judge(claim_of("login.throughput_per_instance", ">= 50/s"),
                 with_instances(run_with(100, 960, 0, 10s), 2));
  CHECK(v.status == ClaimVerdict::Status::held);  // 48/s: Poisson arrivals came a little short
  CHECK_THAT(v.detail, Contains("offered 50.0/s"));
  v = judge(claim_of("login.throughput_per_instance", ">= 50/s"),
            with_instances(run_with(100, 900, 100, 10s), 2));
  CHECK(v.status == ClaimVerdict::Status::broken);  // 45/s: 100 requests failed, beyond the noise
}

TEST_CASE("a fault metric is not judged from part of the evidence") {
  RunResult run = run_with(100, 1000, 0, 10s);
  FaultEvent wake;
  wake.kind = "wake";
  wake.injected = true;
  wake.timings["held_for"] = 11s;
  FaultEvent nobody_came = wake;
  nobody_came.timings.clear();
  nobody_came.timings["paused_after"] = 6s;
  run.faults = {wake, nobody_came};
  auto v = judge(claim_of("fault.wake.held_for", "<= 15s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("has no held_for"));
  FaultEvent failed = wake;
  failed.injected = false;
  failed.error = "inject failed: boom";
  run.faults = {wake, failed};
  v = judge(claim_of("fault.wake.held_for", "<= 15s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("a wake injection failed (inject failed: boom)"));
  run.faults = {wake};
  CHECK(judge(claim_of("fault.wake.held_for", "<= 15s"), run).status == ClaimVerdict::Status::held);
}
