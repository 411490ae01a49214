// The capacity-search executor's search, against a simulated target with a known capacity: a
// queue that grows by what is offered beyond it, and whose wait shows in every response.
#include <catch2/catch.hpp>

#include <cmath>

#include "reports/claims.h"
#include "reports/rate_search.h"
#include "tests/support/claim_fixtures.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string> kSlo = {{"errors.rate", "< 1%"}, {"latency.p95", "< 1s"}};

// Serves at most `capacity` requests/s in 200 ms each; what is offered beyond that queues, and
// the queue's wait (queue / capacity) adds to every response. The client gives up on a request
// that would wait past 5 s: it fails (a timeout) and leaves the queue.
struct SimulatedTarget {
  double capacity;
  double queue = 0;
  double lag_ms = 0.1;  // how late the generator starts requests

  WorkloadInterval serve(double offered) {
    const double served = std::min(queue + offered, capacity);
    queue += offered - served;
    const double timed_out = std::max(0.0, queue - 5 * capacity);
    queue -= timed_out;
    WorkloadInterval w;
    w.name = "login";
    w.scheduled = static_cast<uint64_t>(std::llround(offered));
    w.ok = static_cast<uint64_t>(std::llround(served));
    w.latency.record(static_cast<int64_t>((0.2 + queue / capacity) * 1e6), w.ok);
    if (const auto failed = static_cast<uint64_t>(std::llround(timed_out)); failed > 0) {
      w.errors["timeout"] = failed;
      w.error_latency.record(5'000'000, failed);
    }
    const auto arrived = w.scheduled;
    w.schedule_lag.record(static_cast<int64_t>(lag_ms * 1000), std::max<uint64_t>(arrived, 1));
    return w;
  }
};

struct Searched {
  CapacitySearch result;
  std::vector<IntervalRecord> intervals;  // as the run would have written them
  std::vector<std::pair<uint64_t, RateSearch::Decision>> decisions;  // after interval k
  std::vector<double> offered;                                       // by interval
};

// Runs the search as the session does: each interval at the rate the schedule has in force, each
// decision published to the schedule, until the search ends or `seconds` pass.
Searched search(const RateSearchSpec& spec, SimulatedTarget target, uint64_t seconds = 600) {
  RateSearch searcher(spec, kSlo, 1s, 10ms);
  RateSchedule schedule(spec.start);
  Searched out;
  for (uint64_t k = 0; k < seconds; ++k) {
    const Duration at = static_cast<int64_t>(k) * Duration(1s);
    if (const auto end = schedule.ended_at(); end && at >= *end) break;
    const double offered = schedule.rate_at(at);
    out.offered.push_back(offered);
    IntervalRecord record = test::interval_of(k, "login", 0, 0, 0);
    record.workloads[0] = target.serve(offered);
    out.intervals.push_back(record);
    if (const auto decision = searcher.add(record.workloads[0], k)) {
      out.decisions.emplace_back(k, *decision);
      if (decision->rate)
        schedule.set(decision->from, *decision->rate);
      else
        schedule.end(decision->from);
    }
  }
  out.result = searcher.result();
  for (const auto& step : out.result.steps)
    UNSCOPED_INFO(step.rate << "/s for " << step.length.count() / 1'000'000'000
                            << "s: " << (step.met ? "met " : "broke ") << step.detail);
  UNSCOPED_INFO(out.result.evidence << out.result.why);
  return out;
}

RateSearchSpec spec_of(double start, double max, Duration hold = 5s, uint64_t min_samples = 20) {
  RateSearchSpec spec;
  spec.start = start;
  spec.max = max;
  spec.hold = hold;
  spec.min_samples = min_samples;
  return spec;
}

}  // namespace

TEST_CASE("the search doubles the rate, then bisects, to within its resolution of the capacity") {
  const Searched s = search(spec_of(5, 500), {43});
  const CapacitySearch& r = s.result;
  REQUIRE(r.capacity);
  CHECK(*r.capacity == Approx(43).epsilon(0.15));
  CHECK(r.slo_broken);
  CHECK(r.why.empty());
  REQUIRE(r.steps.size() >= 6);
  // 5, 10, 20, 40 met; 80 broke; then each step halves the bracket.
  CHECK(r.steps[0].rate == 5);
  CHECK(r.steps[3].rate == 40);
  CHECK(r.steps[3].met);
  CHECK(r.steps[4].rate == 80);
  CHECK_FALSE(r.steps[4].met);
  CHECK(r.steps[5].rate == 60);
  // It stopped when the bracket was within 5% of the rate that met.
  double low = 0, high = 1e9;
  for (const auto& step : r.steps)
    (step.met ? low : high) = step.met ? std::max(low, step.rate) : std::min(high, step.rate);
  CHECK(high - low <= 0.05 * low);
  CHECK_THAT(r.evidence, Contains("met the SLO over 5s") && Contains("broke it (p95"));
  // Each decision after interval k takes effect at the boundary after the next (k + 2).
  for (const auto& [k, decision] : s.decisions)
    if (decision.rate) CHECK(decision.from == static_cast<int64_t>(k + 2) * Duration(1s));
}

TEST_CASE("a step that can no longer meet the SLO is broken before its hold") {
  const Searched s = search(spec_of(200, 500, 30s, 20), {10});
  REQUIRE_FALSE(s.result.steps.empty());
  const CapacityStep& first = s.result.steps[0];
  CHECK_FALSE(first.met);
  CHECK(first.length <= Duration(2s));
  CHECK_THAT(first.detail, Contains("breaks the SLO"));
}

TEST_CASE("after a broken step the search waits for the target to drain before the next") {
  const Searched s = search(spec_of(5, 500), {43});
  // The first broken step (80/s) is followed by half the last good rate (20/s) until an
  // interval meets the SLO again, and the next step (60/s) starts only then.
  size_t broken = 0;
  while (s.result.steps[broken].met) ++broken;
  const auto& [k, recovery] = s.decisions[broken];
  REQUIRE(recovery.rate);
  CHECK(*recovery.rate == Approx(20));
  const auto& [k2, next] = s.decisions[broken + 1];
  REQUIRE(next.rate);
  CHECK(*next.rate == Approx(60));
  CHECK(k2 > k + 2);
  // The queue the 80/s step built was gone when the 40 < rate < 80 steps were judged, so a
  // step below the capacity still met the SLO.
  bool met_after_break = false;
  for (size_t i = broken + 1; i < s.result.steps.size(); ++i)
    met_after_break = met_after_break || s.result.steps[i].met;
  CHECK(met_after_break);
}

TEST_CASE("a target that meets the SLO up to max: the search ends there and says so") {
  const Searched s = search(spec_of(10, 30), {1000});
  const CapacitySearch& r = s.result;
  REQUIRE(r.capacity);
  CHECK(*r.capacity == Approx(30));
  CHECK_FALSE(r.slo_broken);
  CHECK_THAT(r.evidence, Contains("the SLO held up to max (30.0/s)"));
  CHECK(r.steps.back().rate == 30);
  // A capacity claim above it is not measured: the ceiling was not found.
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 100s}});
  run.capacity["login"] = r;
  const auto v = judge(test::claim_of("login.capacity", ">= 50/s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
}

TEST_CASE("a start the target cannot meet: the search bisects down from it") {
  const Searched s = search(spec_of(100, 500), {30});
  const CapacitySearch& r = s.result;
  REQUIRE(r.capacity);
  // A step a little above capacity can pass a short hold (the queue has not grown enough
  // yet); the goal is within 15 % of the rate found by hand.
  CHECK_THAT(*r.capacity, WithinRel(30.0, 0.15));
  CHECK_FALSE(r.steps[0].met);
  CHECK(r.steps[1].rate == 50);
}

TEST_CASE("a step is held until it has enough requests for the SLO's percentile") {
  // p95 on 5 requests beyond it: 100 requests, 50 s at 2/s although hold is 5 s.
  RateSearchSpec spec = spec_of(2, 4, 5s, 0);
  const Searched s = search(spec, {1000}, 200);
  REQUIRE_FALSE(s.result.steps.empty());
  CHECK(s.result.steps[0].attempts >= 100);
  CHECK(s.result.steps[0].length >= Duration(50s));
}

TEST_CASE("a generator that falls behind ends the search: past it, steps would judge loadgate") {
  SimulatedTarget target{1000};
  target.lag_ms = 40;
  const Searched s = search(spec_of(10, 100), target);
  CHECK(s.result.steps.empty());
  REQUIRE_FALSE(s.decisions.empty());
  CHECK_FALSE(s.decisions.back().second.rate);
  CHECK_THAT(s.result.why, Contains("loadgate could not offer 10.0/s") &&
                               Contains("past client.max_schedule_lag"));
}

TEST_CASE("the fold replays a search from the intervals alone and finds the steps it took") {
  const RateSearchSpec spec = spec_of(5, 500);
  const Searched live = search(spec, {43});
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 600s}});
  run.slo = kSlo;
  run.rate_searches["login"] = spec;
  test::fold(run, live.intervals);
  const CapacitySearch& replayed = run.capacity.at("login");
  REQUIRE(replayed.steps.size() == live.result.steps.size());
  for (size_t i = 0; i < replayed.steps.size(); ++i) {
    CHECK(replayed.steps[i].rate == live.result.steps[i].rate);
    CHECK(replayed.steps[i].from == live.result.steps[i].from);
    CHECK(replayed.steps[i].met == live.result.steps[i].met);
  }
  CHECK(replayed.capacity == live.result.capacity);
  CHECK(replayed.evidence == live.result.evidence);
  // What it offered is what was due, not the first step's rate.
  double due = 0;
  for (const auto& i : live.intervals) due += static_cast<double>(i.workloads[0].scheduled);
  CHECK(run.workloads[0].offered_rate == Approx(due / 600));
}
