// Claims judged over part of a run: a phase, the windows of a fault kind, a precondition; every
// number there from the scope's merged intervals.
#include <catch2/catch.hpp>

#include "reports/claims.h"
#include "reports/console_summary.h"
#include "reports/markdown_summary.h"
#include "tests/support/claim_fixtures.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using loadgate::test::interval_of;
using namespace std::chrono_literals;

namespace {

FaultEvent failover_from(Duration start, Duration recovered) {
  FaultEvent failover;
  failover.kind = "failover";
  failover.injected = failover.recovered = true;
  failover.started_at = failover.injected_at = start;
  failover.recovered_at = recovered;
  return failover;
}

Claim in_window(const std::string& metric, const std::string& expect, const std::string& window) {
  Claim c = claim_of(metric, expect);
  c.window = parse_window_scope(window);
  return c;
}

}  // namespace

TEST_CASE("a claim scoped to a fault window is judged from the window's intervals") {
  RunResult run = test::planned_run({"api"}, {{"main", 0s, 10s}});
  // 10 intervals of 1 s: 100 ok each, but 60 errors and a slow response in the 4th and 5th.
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 10; ++i) {
    const bool hit = i == 3 || i == 4;
    intervals.push_back(interval_of(i, "api", hit ? 40 : 100, hit ? 60 : 0, hit ? 900 : 10));
  }
  run.faults = {failover_from(3s, 5s)};
  const std::vector<ObservedSample> samples = {{2s, {{"db.backend_connections", 50}}},
                                               {4s, {{"db.backend_connections", 120}}}};
  std::vector<Claim> claims = {in_window("api.errors.rate", "< 1%", "during failover"),
                               in_window("api.errors.rate", "< 1%", "after failover"),
                               in_window("api.latency.p99", "< 100ms", "before failover"),
                               in_window("api.latency.p99", "< 100ms", "during failover"),
                               in_window("api.throughput", ">= 30/s", "during failover"),
                               in_window("db.backend_connections.max", "<= 62", "before failover"),
                               in_window("db.backend_connections.max", "<= 62", "during failover"),
                               in_window("api.errors.rate", "< 1%", "during wake")};
  test::fold(run, intervals, samples, fold_request_for(claims));
  auto v = judge(claims[0], run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "60.00%");
  CHECK_THAT(v.detail, Contains("200 requests in 2 intervals during failover"));
  CHECK(judge(claims[1], run).status == ClaimVerdict::Status::held);
  CHECK(judge(claims[2], run).status == ClaimVerdict::Status::held);
  CHECK(judge(claims[3], run).measured == "900.0ms");
  CHECK(judge(claims[4], run).status == ClaimVerdict::Status::held);  // 40/s
  CHECK(judge(claims[5], run).status == ClaimVerdict::Status::held);
  CHECK(judge(claims[6], run).measured == "120");
  CHECK_THAT(judge(claims[7], run).detail, Contains("no wake fault was injected"));
  CHECK_THROWS_WITH(parse_window_scope("while failover"), Contains("before, during or after"));
}

TEST_CASE("after a fault with no recover step: from the measured recovery, or recover + settle") {
  // A failover by command: its recover step returns at once, the outage (3 s to 6 s) follows.
  RunResult run = test::planned_run({"api"}, {{"main", 0s, 12s}});
  run.faults = {failover_from(3s, 3s)};
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 12; ++i) {
    const bool down = i >= 3 && i < 6;
    const bool slow = i == 6;  // back, but the first requests are slow: still the window's
    intervals.push_back(interval_of(i, "api", down ? 0 : 100, down ? 50 : 0, slow ? 300 : 5));
  }
  Claim measured = in_window("api.errors.rate", "< 1%", "after failover");
  Claim p99 = in_window("api.latency.p99", "< 100ms", "after failover");
  Claim early = measured, settled = measured;
  early.window = parse_window_scope("after failover", 2s);    // from 5 s: still down
  settled.window = parse_window_scope("after failover", 4s);  // from 7 s: back
  test::fold(run, intervals, {}, fold_request_for({measured, p99, early, settled}));
  // Not the outage itself (a false alarm on a healthy deployment), and the report says where the
  // window began.
  auto v = judge(measured, run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK_THAT(v.detail, Contains("600 requests in 6 intervals after failover (from when every "
                                "workload was back for good after each failover)"));
  CHECK(judge(p99, run).measured == "300.0ms");  // from the first interval back, slow as it was
  v = judge(early, run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK_THAT(v.detail, Contains("after failover, settle 2s (from each failover's recover step + "
                                "settle 2s)"));
  CHECK(judge(settled, run).status == ClaimVerdict::Status::held);
  CHECK_THROWS_WITH(parse_window_scope("during failover", 2s), Contains("has none"));

  // Never back: every claim after it is broken, whatever the window measured (here nothing).
  for (auto& interval : intervals)
    if (interval.index >= 3) interval = interval_of(interval.index, "api", 0, 50, 5);
  test::fold(run, intervals, {}, fold_request_for({measured, settled}));
  for (const Claim& claim : {measured, settled}) {
    v = judge(claim, run);
    CHECK(v.status == ClaimVerdict::Status::broken);
    CHECK(v.measured == "never recovered");
    CHECK_THAT(v.detail, Contains("never recovered: api after the failover at 3s"));
  }
}

TEST_CASE("no window after a fault that recovered only when the run was over") {
  RunResult run = test::planned_run({"api"}, {{"main", 0s, 4s}});
  run.faults = {failover_from(3s, 5s)};  // recover_after ran past the planned end
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 4; ++i) intervals.push_back(interval_of(i, "api", 100, 0, 5));
  const Claim after = in_window("api.errors.rate", "< 1%", "after failover");
  const Claim during = in_window("api.errors.rate", "< 1%", "during failover");
  test::fold(run, intervals, {}, fold_request_for({after, during}));
  CHECK_THAT(judge(after, run).detail, Contains("the timeline has no interval after failover"));
  CHECK(judge(during, run).status == ClaimVerdict::Status::held);  // the interval ending at 4 s
}

TEST_CASE("a fault window's percentile is that of its requests, not its worst interval's") {
  // Two intervals in the window: 990 fast requests, then 10 slow ones alone. The slow interval's
  // own p99 is 2 s; of the window's 1000 requests only 1 % are slow, so its p99 is fast.
  RunResult run = test::planned_run({"api"}, {{"main", 0s, 4s}});
  run.faults = {failover_from(1s, 3s)};
  const std::vector<IntervalRecord> intervals = {
      interval_of(0, "api", 100, 0, 5), interval_of(1, "api", 990, 0, 5),
      interval_of(2, "api", 10, 0, 2000), interval_of(3, "api", 100, 0, 5)};
  const Claim p99 = in_window("api.latency.p99", "< 100ms", "during failover");
  const Claim p99_9 = in_window("api.latency.p99.9", "< 100ms", "during failover");
  test::fold(run, intervals, {}, fold_request_for({p99}));
  auto v = judge(p99, run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "5.0ms");
  CHECK(judge(p99_9, run).measured == "2.00s");  // the slow ones are the top 1 %
}

TEST_CASE("a generator that fell behind in one window voids only that window's claims") {
  RunResult run = test::planned_run({"api"}, {{"main", 0s, 20s}});
  run.faults = {failover_from(10s, 11s)};
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 20; ++i) {
    IntervalRecord interval = interval_of(i, "api", 100, 0, 5);
    // A tenth of its requests 50 ms late through the fault (a reconnect storm on the generator's
    // own thread): 0.5 % of the run's, 10 % of the window's.
    interval.workloads[0].schedule_lag.record(100, 90);
    interval.workloads[0].schedule_lag.record(i == 10 ? 50'000 : 100, 10);
    intervals.push_back(interval);
  }
  const Claim during = in_window("api.latency.p99", "< 100ms", "during failover");
  const Claim after = in_window("api.latency.p99", "< 100ms", "after failover");
  test::fold(run, intervals, {}, fold_request_for({during, after}));
  CHECK_FALSE(run.generator.generator_bound);
  auto v = judge(during, run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("generator-bound during failover"));
  CHECK(judge(after, run).status == ClaimVerdict::Status::held);
  CHECK(judge(claim_of("api.latency.p99", "< 100ms"), run).status == ClaimVerdict::Status::held);
}

TEST_CASE("a claim scoped to a phase reads only that phase's intervals") {
  RunResult run = test::planned_run({"items"}, {{"warmup", 0s, 1s, false}, {"steady", 1s, 1s}});
  IntervalRecord warmup = interval_of(0, "items", 10, 0, 5, "warmup");
  warmup.workloads[0].in_flight = 1500;  // a burst while warming up
  IntervalRecord steady = interval_of(1, "items", 10, 0, 5, "steady");
  steady.workloads[0].in_flight = 10;
  test::fold(run, {warmup, steady});
  Claim handles = claim_of("items.errors.rate", "< 1%");
  handles.precondition.emplace("items.concurrency", parse_expectation(">= 1000"));
  // The totals leave the warmup out: 10 in flight at most.
  CHECK(judge(handles, run).status == ClaimVerdict::Status::not_measured);
  handles.phase = "warmup";
  CHECK(judge(handles, run).status == ClaimVerdict::Status::held);
  handles.phase = "steady";
  auto v = judge(handles, run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("(measured 10)"));
  handles.phase = "cooldown";
  CHECK_THAT(judge(handles, run).detail, Contains("the run has no phase 'cooldown'"));
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
  run.workloads[0].peak_in_flight = 1500;
  CHECK(judge(handles, run).status == ClaimVerdict::Status::held);
}

TEST_CASE("observed gauges: the highest sample, within a phase when the claim names one") {
  RunResult run = test::planned_run({}, {{"warmup", 0s, 5s, false}, {"steady", 5s, 10s}});
  test::fold(run, {},
             {{2s, {{"process.service.cpu", 1.6}, {"process.service.rss", 3e8}}},
              {8s, {{"process.service.cpu", 0.7}, {"db.replica_lag", 0.004}}}});
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
  CHECK(observed_highlights(run.observed) ==
        std::vector<std::string>{"replica lag 4.0ms", "busiest service CPU 160.00%"});
  CHECK_THAT(markdown_summary(run), Contains("- deployment, highest observed: replica lag 4.0ms, "
                                             "busiest service CPU 160.00%"));
  test::fold(run, {}, {});
  CHECK_THAT(judge(claim_of("db.replica_lag.max", "< 100ms"), run).detail,
             Contains("was not observed"));
  CHECK(parse_expectation("<= 2GB").bound.amount == 2e9);
  CHECK(parse_expectation("between 256MiB and 512MiB").upper.amount == 512.0 * 1024 * 1024);
}

TEST_CASE("a run that ended early has its rates over the time it ran, in phases too") {
  RunResult run = test::planned_run({"api"}, {{"warmup", 0s, 2s, false}, {"steady", 2s, 8s}});
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 4; ++i)
    intervals.push_back(interval_of(i, "api", 100, 0, 5, i < 2 ? "warmup" : "steady"));
  run.elapsed = 4s;
  run.stopped_by = "a results file could not be written: No space left on device";
  test::fold(run, intervals);
  CHECK(run.measured_duration() == 2s);
  CHECK(judge(claim_of("api.throughput", "< 200/s"), run).measured == "100.0/s");
  Claim steady = claim_of("api.throughput", "< 200/s");
  steady.phase = "steady";
  CHECK(judge(steady, run).measured == "100.0/s");  // 200 requests over the 2 s it ran, not 8
}
