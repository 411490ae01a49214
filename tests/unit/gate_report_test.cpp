// The release gate's judgement: the rank test against values worked by hand, the comparison of
// samples (noise is "~", a real shift is a regression, a significant but tiny one is not), the
// exit code's order, and the outputs CI reads.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "reports/gate_report.h"
#include "reports/rank_test.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

// Per-interval p99s of a healthy service: lognormal around `median` seconds.
std::vector<double> latencies(size_t n, double median, unsigned seed) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> spread(0, 0.25);
  std::vector<double> values;
  for (size_t i = 0; i < n; ++i) values.push_back(median * spread(random));
  return values;
}

// `values` as three runs of a third each.
RunSamples three_runs(const std::vector<double>& values) {
  RunSamples runs(3);
  for (size_t i = 0; i < values.size(); ++i) runs[i * 3 / values.size()].push_back(values[i]);
  return runs;
}

GateSamples samples(const std::vector<double>& p99, double offered = 500,
                    const std::vector<double>& errors = {}) {
  GateSamples s;
  s.scenario = "demo";
  s.runs = 3;
  GateSamples::Workload w{"validate", offered, 0, {}};
  w.samples["latency.p99"] = three_runs(p99);
  if (!errors.empty()) w.samples["errors.rate"] = three_runs(errors);
  s.workloads.push_back(std::move(w));
  return s;
}

const GateRow& row(const GateComparison& c, const std::string& metric) {
  for (const auto& r : c.rows)
    if (r.metric == metric) return r;
  FAIL("no row " << metric);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("the Mann-Whitney U test matches the normal approximation worked by hand") {
  // 1..5 against 6..10: U = 0, mean 12.5, variance 25 * 11 / 12; with the continuity
  // correction z = 12 / 4.787 = 2.507, two-sided p = 0.01219 (scipy's mannwhitneyu, asymptotic).
  const auto test = mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  CHECK(test.u == 0);
  CHECK(test.z == Approx(-2.5067).epsilon(1e-3));
  CHECK(test.p == Approx(0.01219).epsilon(1e-3));
  // The other way round: the same p, U = n1 * n2.
  const auto reversed = mann_whitney({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5});
  CHECK(reversed.u == 25);
  CHECK(reversed.p == Approx(test.p));
  // A tie counts half a pair: in {1, 2, 2} against {2, 3, 3} no value of the first is above one
  // of the second, and each 2 ties the other side's 2 once: U = 2 × 0.5.
  const auto tied = mann_whitney({1, 2, 2}, {2, 3, 3});
  CHECK(tied.u == Approx(1.0));
  // One value repeated on both sides (every interval without an error) tells nothing apart.
  CHECK(mann_whitney({0, 0, 0, 0}, {0, 0, 0}).p == 1);
  CHECK(mann_whitney({}, {1, 2}).p == 1);
}

TEST_CASE("samples of one distribution compare as ~, 20 times out of 20") {
  // A 50 ms median: far above the 0.5 ms floor, so only the statistics keep noise out.
  GateSettings settings;
  for (unsigned seed = 0; seed < 20; ++seed) {
    GateSamples base = samples(latencies(30, 0.050, 1000 + seed));
    GateSamples now = samples(latencies(30, 0.050, 2000 + seed));
    base.workloads[0].samples["latency.p50"] = three_runs(latencies(30, 0.020, 3000 + seed));
    now.workloads[0].samples["latency.p50"] = three_runs(latencies(30, 0.020, 4000 + seed));
    const auto c = compare_samples(base, now, settings);
    INFO("seed " << seed);
    CHECK(row(c, "validate.latency.p99").verdict == GateRow::Verdict::same);
    CHECK(row(c, "validate.latency.p50").verdict == GateRow::Verdict::same);
  }
}

TEST_CASE("alpha is family-wise: each compared metric is held to alpha over their number") {
  GateSamples base = samples(latencies(30, 0.050, 1), 500, std::vector<double>(30, 0.0));
  GateSamples now = samples(latencies(30, 0.050, 2), 500, std::vector<double>(30, 0.0));
  base.workloads[0].samples["latency.p50"] = three_runs(latencies(30, 0.020, 3));
  now.workloads[0].samples["latency.p50"] = three_runs(latencies(30, 0.020, 4));
  const auto c = compare_samples(base, now, GateSettings{});
  CHECK(c.tests == 3);  // p99, p50 and the error rate; throughput has no samples on either side
  CHECK(c.alpha_per_test == Approx(0.05 / 3));
}

TEST_CASE("a shifted latency is a regression, and a faster one is better") {
  GateSettings settings;
  const auto base = samples(latencies(30, 0.002, 1));
  auto slower = compare_samples(base, samples(latencies(30, 0.003, 2)), settings);
  const auto& r = row(slower, "validate.latency.p99");
  CHECK(r.verdict == GateRow::Verdict::worse);
  CHECK(r.p < 0.001);
  CHECK(*r.change == Approx(0.5).margin(0.15));
  auto faster = compare_samples(base, samples(latencies(30, 0.001, 3)), settings);
  CHECK(row(faster, "validate.latency.p99").verdict == GateRow::Verdict::better);
}

TEST_CASE("a significant change smaller than the minimum effect or the floor is ~") {
  GateSettings settings;
  // 5 % slower over 3,000 intervals: the rank test sees it, but it is under 10 %.
  auto small = compare_samples(samples(latencies(3000, 0.010, 1)),
                               samples(latencies(3000, 0.0105, 2)), settings);
  CHECK(row(small, "validate.latency.p99").p < settings.alpha);
  CHECK(row(small, "validate.latency.p99").verdict == GateRow::Verdict::same);
  // 50 % slower, but 0.1 ms to 0.15 ms: under the 0.5 ms floor.
  auto tiny = compare_samples(samples(latencies(300, 0.0001, 1)),
                              samples(latencies(300, 0.00015, 2)), settings);
  CHECK(row(tiny, "validate.latency.p99").verdict == GateRow::Verdict::same);
  // The same 50 % with a smaller minimum effect and no more samples: still the floor.
  settings.min_effect = 0.01;
  CHECK(row(compare_samples(samples(latencies(300, 0.0001, 1)), samples(latencies(300, 0.00015, 2)),
                            settings),
            "validate.latency.p99")
            .verdict == GateRow::Verdict::same);
}

TEST_CASE("a change within the baseline's own run-to-run spread is ~, however significant") {
  // `n` values a hair apart around `value` seconds.
  auto around = [](size_t n, double value) {
    std::vector<double> values;
    for (size_t i = 0; i < n; ++i) values.push_back(value + static_cast<double>(i) * 1e-7);
    return values;
  };
  // Three baseline runs at 2.0, 3.0 and 2.0 ms: the whole's median is 2.0 ms, the odd run 1 ms
  // off it. A current at 2.7 ms is significant over 90 intervals, beyond the 0.5 ms floor and
  // 10 %, but within that spread.
  GateSamples base = samples(around(90, 0.002));
  base.workloads[0].samples["latency.p99"][1] = around(30, 0.003);
  const auto c = compare_samples(base, samples(around(90, 0.0027)), GateSettings{});
  const auto& r = row(c, "validate.latency.p99");
  CHECK(r.p < 0.001);
  CHECK(r.run_spread == Approx(0.001).epsilon(0.01));
  CHECK(*r.change == Approx(0.35).epsilon(0.01));
  CHECK(r.verdict == GateRow::Verdict::same);
  // Beyond the spread it is a regression.
  const auto worse = compare_samples(base, samples(around(90, 0.0032)), GateSettings{});
  CHECK(row(worse, "validate.latency.p99").verdict == GateRow::Verdict::worse);
}

TEST_CASE("errors in a fifth of the intervals are a regression against none") {
  std::vector<double> none(30, 0.0), some(30, 0.0);
  for (size_t i = 0; i < some.size(); i += 5) some[i] = 0.05;  // mean 1 %: over the 0.5 % floor
  auto c = compare_samples(samples(latencies(30, 0.002, 1), 500, none),
                           samples(latencies(30, 0.002, 2), 500, some), GateSettings{});
  const auto& r = row(c, "validate.errors.rate");
  CHECK(r.verdict == GateRow::Verdict::worse);
  CHECK(r.current_centre == Approx(0.01));
  CHECK_FALSE(r.change);  // from 0: no relative change, the floor judges
}

TEST_CASE("too few samples or another offered load are not compared, and inconclusive") {
  auto few = compare_samples(samples(latencies(5, 0.002, 1)), samples(latencies(30, 0.009, 2)),
                             GateSettings{});
  CHECK(row(few, "validate.latency.p99").verdict == GateRow::Verdict::not_compared);
  CHECK_THAT(row(few, "validate.latency.p99").note,
             Contains("5 intervals") && Contains("8 needed"));
  auto other = compare_samples(samples(latencies(30, 0.002, 1), 500),
                               samples(latencies(30, 0.009, 2), 1000), GateSettings{});
  CHECK(row(other, "validate.latency.p99").verdict == GateRow::Verdict::not_compared);
  CHECK_THAT(row(other, "validate.latency.p99").note, Contains("offered load differs"));
  GateOutcome gate;
  gate.repeats.push_back(judge_repeat("r1", RunResult{}));
  gate.comparison = other;
  CHECK(gate.exit_code() == 3);
  CHECK(gate.verdict() == "INCONCLUSIVE");
}

TEST_CASE("the gate's exit code: a failure outranks an error, which outranks inconclusive") {
  RunResult clean;
  GateOutcome gate;
  gate.repeats.push_back(judge_repeat("r1", clean));
  gate.comparison = compare_samples(samples(latencies(30, 0.002, 1)),
                                    samples(latencies(30, 0.002, 2)), GateSettings{});
  CHECK(gate.exit_code() == 0);

  RunResult generator_bound = clean;
  generator_bound.generator.generator_bound = true;
  gate.repeats.push_back(judge_repeat("r2", generator_bound));
  CHECK(gate.exit_code() == 3);

  RunResult unhealthy = clean;
  unhealthy.health_problems.push_back("postgres-standby DOWN");
  gate.repeats.push_back(judge_repeat("r3", unhealthy));
  CHECK(gate.exit_code() == 2);

  RunResult lost = clean;
  LedgerResult ledger;
  ledger.workload = "items";
  ledger.verified = true;
  ledger.lost = 2;
  lost.ledgers.push_back(ledger);
  gate.repeats.push_back(judge_repeat("r4", lost));
  CHECK(gate.exit_code() == 1);
  CHECK_THAT(gate.repeats.back().verdict.failures.front(),
             Contains("2 acknowledged writes of items lost"));

  GateOutcome none;  // no repeat ran: never a pass
  CHECK(none.exit_code() == 3);
  none.errors.push_back("the target did not answer");
  CHECK(none.exit_code() == 2);
}

TEST_CASE(
    "a broken claim and a missed SLO fail a repeat, a claim not measured leaves it inconclusive") {
  RunResult run;
  run.slo = {{"latency.p99", "< 1ms"}};
  WorkloadResult w;
  w.name = "validate";
  w.ok = 100;
  for (int i = 0; i < 100; ++i) w.latency.record(5000);  // 5 ms
  run.workloads.push_back(w);
  ClaimVerdict broken;
  broken.id = "jwt-capacity";
  broken.status = ClaimVerdict::Status::broken;
  ClaimVerdict unmeasured;
  unmeasured.id = "wake";
  unmeasured.detail = "no wake injected";
  run.claims = {broken, unmeasured};
  const auto r = judge_repeat("r1", run);
  REQUIRE(r.verdict.failures.size() == 2);
  CHECK_THAT(r.verdict.failures[0], Contains("claim jwt-capacity broken"));
  CHECK_THAT(r.verdict.failures[1], Contains("validate") && Contains("latency.p99"));
  REQUIRE(r.verdict.inconclusive.size() == 1);
  CHECK_THAT(r.verdict.inconclusive[0], Contains("no wake injected"));
}

TEST_CASE("the gate's markdown stays under its size, its junit has a testcase per metric") {
  GateOutcome gate;
  gate.scenario = "demo";
  gate.repeats.push_back(judge_repeat("out/r1", RunResult{}));
  GateSamples base, now;
  for (int i = 0; i < 300; ++i) {
    base.workloads.push_back(
        {fmt::format("w{}", i), 100, 0, {{"latency.p99", three_runs(latencies(30, 0.002, 1))}}});
    now.workloads.push_back(
        {fmt::format("w{}", i),
         100,
         0,
         {{"latency.p99", three_runs(latencies(30, i == 7 ? 0.02 : 0.002, 2))}}});
  }
  gate.comparison = compare_samples(base, now, GateSettings{});
  const std::string md = gate_markdown(gate, 8 * 1024);
  CHECK(md.size() <= 8 * 1024);
  CHECK_THAT(md, Contains("**FAIL**") && Contains("more rows in gate.json"));
  // Regressions first: the one regression is the table's first row.
  CHECK_THAT(md, Contains("|---|---|---|---|---|---|\n| w7.latency.p99 |"));
  const std::string xml = gate_junit(gate);
  CHECK_THAT(xml, Contains("name=\"comparison with the baseline\" tests=\"300\" failures=\"1\""));
  CHECK_THAT(xml, Contains("<testcase classname=\"gate.demo\" name=\"w7.latency.p99\"><failure"));
}

TEST_CASE("gate samples survive their JSON, and append repeat after repeat") {
  GateSamples one = samples({0.001, 0.002}, 500, {0, 0.5});
  GateSamples two = samples({0.003}, 500);
  GateSamples both;
  both.append(one);
  both.append(two);
  CHECK(both.runs == 6);
  REQUIRE(both.workloads.size() == 1);
  // Run by run: the first's three runs, then the second's (two of them empty).
  CHECK(both.workloads[0].samples["latency.p99"].size() == 6);
  CHECK(all_values(both.workloads[0].samples["latency.p99"]) ==
        std::vector<double>{0.001, 0.002, 0.003});
  const auto back = samples_from_json(samples_to_json(both), "test");
  CHECK(back.scenario == "demo");
  CHECK(back.runs == 6);
  CHECK(back.workloads[0].samples == both.workloads[0].samples);
  CHECK(back.workloads[0].offered_rate == 500);
  CHECK_THROWS_WITH(samples_from_json(nlohmann::json{{"schema", "other"}}, "base.json"),
                    Contains("base.json: not gate samples"));
}
