// loadgate compare: regressions between two runs beyond a tolerance, and noise left alone.
#include <catch2/catch.hpp>

#include <algorithm>

#include "reports/run_comparison.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

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
