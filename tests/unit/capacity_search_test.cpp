// The SLO and the capacity search: the best sustained window whose merged histogram meets it.
#include <catch2/catch.hpp>

#include "reports/claims.h"
#include "reports/service_level.h"
#include "tests/support/claim_fixtures.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using loadgate::test::interval_of;
using namespace std::chrono_literals;

namespace {

// A ramp: 10 s at 50/s, 10 s at 100/s, 10 s at 150/s (latency climbs past 100 ms), then errors.
RunResult ramp(uint64_t seconds) {
  RunResult run = test::planned_run({"login"}, {{"main", 0s, std::chrono::seconds(seconds)}});
  run.slo = {{"errors.rate", "< 1%"}, {"latency.p95", "< 100ms"}};
  run.deployment.instances = 2;
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < seconds; ++i) {
    const uint64_t rate = i < 10 ? 50 : i < 20 ? 100 : i < 30 ? 150 : 160;
    intervals.push_back(interval_of(i, "login", rate, i >= 30 ? 20 : 0, i < 20 ? 40 : 180));
  }
  test::fold(run, intervals, {}, {{}, {"login"}});
  return run;
}

}  // namespace

TEST_CASE("capacity is searched: the best sustained window within the SLO") {
  RunResult run = ramp(40);
  const CapacitySearch& search = run.capacity.at("login");
  REQUIRE(search.capacity);
  CHECK(*search.capacity == Approx(100));
  CHECK(search.slo_broken);
  CHECK_THAT(search.evidence, Contains("the 5s from 10s meeting the SLO"));
  auto v = judge(claim_of("login.capacity_per_instance", ">= 50/s"), run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "50.0/s");
  v = judge(claim_of("login.capacity_per_instance", ">= 75/s"), run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  // A ramp that never reached the SLO's edge proves no ceiling below the claim.
  run = ramp(20);
  v = judge(claim_of("login.capacity_per_instance", ">= 75/s"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("the SLO held at every rate offered (up to 50.0/s)"));
  run.deployment.vcpu_per_instance = 0;
  CHECK_THAT(judge(claim_of("login.capacity_per_vcpu", ">= 1/s"), run).detail,
             Contains("target.vcpu_per_instance"));
  // Not asked for by a claim when the run was folded: not searched, and said so.
  CHECK_THAT(judge(claim_of("other.capacity", ">= 1/s"), run).detail, Contains("no workload"));
  run.capacity.clear();
  CHECK_THAT(judge(claim_of("login.capacity", ">= 1/s"), run).detail,
             Contains("not searched for login's capacity"));
}

TEST_CASE("the capacity search judges a window's merged histogram, not each interval") {
  // 100/s with one slow interval in every five: each window of 5 s holds 20 slow requests of
  // 500, 4 %, so its p95 is fast though one interval's alone is slow.
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 20s}});
  run.slo = {{"latency.p95", "< 100ms"}};
  std::vector<IntervalRecord> intervals;
  for (uint64_t i = 0; i < 20; ++i) {
    IntervalRecord interval = interval_of(i, "login", 80, 0, 10);
    interval.workloads[0].ok += 20;
    interval.workloads[0].latency.record(i % 5 == 0 ? 400'000 : 10'000, 20);
    intervals.push_back(interval);
  }
  test::fold(run, intervals, {}, {{}, {"login"}});
  const CapacitySearch& search = run.capacity.at("login");
  REQUIRE(search.capacity);
  CHECK(*search.capacity == Approx(100));
  // The same slow share in a window's every interval breaks it.
  for (auto& interval : intervals) {
    interval.workloads[0].latency.reset();
    interval.workloads[0].latency.record(10'000, 90);
    interval.workloads[0].latency.record(400'000, 10);
  }
  test::fold(run, intervals, {}, {{}, {"login"}});
  CHECK_FALSE(run.capacity.at("login").capacity);
  CHECK(run.capacity.at("login").slo_broken);
}

TEST_CASE("a capacity search needs an SLO and enough intervals") {
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 3s}});
  test::fold(run, {interval_of(0, "login", 10, 0, 1)}, {}, {{}, {"login"}});
  CHECK_THAT(judge(claim_of("login.capacity", ">= 1/s"), run).detail,
             Contains("needs the scenario's slo"));
  run.slo = {{"errors.rate", "< 1%"}};
  test::fold(run, {interval_of(0, "login", 10, 0, 1)}, {}, {{}, {"login"}});
  CHECK_THAT(judge(claim_of("login.capacity", ">= 1/s"), run).detail,
             Contains("fewer recorded intervals than a 5s window"));
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
