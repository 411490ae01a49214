// Reconnection verification from a timeline: the numbers a fault window reports, as the fold
// computes them interval by interval (reports/fault_impact.h).
#include <catch2/catch.hpp>

#include "reports/run_fold.h"

using namespace loadgate;
using namespace std::chrono_literals;

namespace {

// A timeline of one workload, "w", folded with the faults given.
class FaultImpactAnalysis {
 public:
  void add(IntervalRecord interval) { intervals_.push_back(std::move(interval)); }
  void analyse(std::vector<FaultEvent>& events, Duration run_end) const {
    RunResult run;
    run.planned_duration = run_end;
    run.interval = 250ms;
    WorkloadResult w;
    w.name.assign(1, 'w');  // not = "w": GCC 12 -O2 misreads that as an overlapping memcpy
    run.workloads = {w};
    run.phases = {{"main", Duration{}, run_end, true, {w}}};
    run.faults = events;
    RunFold fold(run, {});
    for (const auto& interval : intervals_) fold.add(interval);
    fold.finish();
    events = run.faults;
  }

 private:
  std::vector<IntervalRecord> intervals_;
};

// 250 ms intervals of workload "w": `ok` successes and `errors` refusals each.
void add_intervals(FaultImpactAnalysis& analysis, Duration& end, int count, uint64_t ok,
                   uint64_t errors) {
  for (int k = 0; k < count; ++k) {
    end += 250ms;
    IntervalRecord interval;
    interval.end = end;
    interval.length = 250ms;
    interval.phase = "main";
    WorkloadInterval w;
    w.name.assign(1, 'w');
    w.ok = ok;
    if (errors) w.errors["connection_refused"] = errors;
    interval.workloads.push_back(w);
    analysis.add(interval);
  }
}

FaultEvent injected_at(Duration at) {
  FaultEvent event;
  event.injected = event.recovered = true;
  event.started_at = event.injected_at = at;
  return event;
}

}  // namespace

TEST_CASE("a fault window reports first error, downtime, first success and recovery") {
  FaultImpactAnalysis analysis;
  Duration end{};
  add_intervals(analysis, end, 8, 25, 0);   // 0-2 s: 100/s
  add_intervals(analysis, end, 3, 0, 25);   // 2-2.75 s: down
  add_intervals(analysis, end, 2, 10, 15);  // 2.75-3.25 s: partly back
  add_intervals(analysis, end, 8, 24, 0);   // then steady again (24 is within the noise)
  std::vector<FaultEvent> events{injected_at(2s)};
  analysis.analyse(events, end);
  REQUIRE(events[0].impacts.size() == 1);
  const FaultImpact& i = events[0].impacts[0];
  CHECK(i.workload == "w");
  CHECK(i.baseline_rate == Approx(100));
  CHECK(i.first_error == 250ms);
  CHECK(i.downtime == 750ms);
  CHECK(i.first_success == 1000ms);
  CHECK(i.recovered == 1500ms);  // the first interval after the last bad one
  CHECK(i.errors.at("connection_refused") == 3 * 25 + 2 * 15);
}

TEST_CASE("a workload that never came back is not recovered, and one never hit recovered at once") {
  FaultImpactAnalysis analysis;
  Duration end{};
  add_intervals(analysis, end, 8, 25, 0);
  add_intervals(analysis, end, 8, 5, 20);  // a quarter of its requests only, to the end
  std::vector<FaultEvent> events{injected_at(2s), injected_at(3s)};
  analysis.analyse(events, end);
  // The first window ends where the second fault begins.
  CHECK_FALSE(events[0].impacts[0].recovered);
  CHECK(events[0].impacts[0].errors.at("connection_refused") == 4 * 20);
  CHECK_FALSE(events[1].impacts[0].recovered);

  FaultImpactAnalysis calm;
  Duration calm_end{};
  add_intervals(calm, calm_end, 16, 25, 0);
  std::vector<FaultEvent> harmless{injected_at(2s)};
  calm.analyse(harmless, calm_end);
  CHECK(harmless[0].impacts[0].recovered == Duration{});
  CHECK_FALSE(harmless[0].impacts[0].first_error);
  CHECK(harmless[0].impacts[0].downtime == Duration{});
}

TEST_CASE("a fault that starts mid-interval: its first success counts after the outage") {
  FaultImpactAnalysis analysis;
  Duration end{};
  add_intervals(analysis, end, 8, 25, 0);   // to 2 s
  add_intervals(analysis, end, 1, 12, 13);  // 2-2.25 s: hit at 2.1 s, half of it still served
  add_intervals(analysis, end, 2, 0, 25);   // down
  add_intervals(analysis, end, 8, 25, 0);   // back from 2.75 s
  std::vector<FaultEvent> events{injected_at(2100ms)};
  analysis.analyse(events, end);
  const FaultImpact& i = events[0].impacts[0];
  CHECK(i.first_error == 150ms);
  CHECK(i.first_success == 900ms);  // the interval ending at 3 s, not the half-served first one
  CHECK(i.downtime == 500ms);
  CHECK(i.recovered == 900ms);
}

TEST_CASE("a pause in the load is neither downtime nor an outage (a wake after idle)") {
  FaultImpactAnalysis analysis;
  Duration end{};
  add_intervals(analysis, end, 40, 25, 0);  // 0-10 s: 100/s
  add_intervals(analysis, end, 20, 0, 0);   // 10-15 s: the load pauses (nothing sent)
  add_intervals(analysis, end, 4, 0, 25);   // 15-16 s: the first requests fail through a wake
  add_intervals(analysis, end, 8, 25, 0);   // then steady again
  std::vector<FaultEvent> events{injected_at(10s)};
  analysis.analyse(events, end);
  const FaultImpact& i = events[0].impacts[0];
  CHECK(i.downtime == 1000ms);     // the wake only, not the 5 s pause before it
  CHECK(i.first_error == 5250ms);  // the interval ending at 15.25 s
  CHECK(i.first_success == 6250ms);
  CHECK(i.recovered == 6250ms);
}

TEST_CASE("at a low rate, intervals where nothing succeeds keep a workload unrecovered") {
  FaultImpactAnalysis analysis;
  Duration end{};
  add_intervals(analysis, end, 40, 2, 0);  // 0-10 s: 8/s, within the noise of 2.5 per interval
  add_intervals(analysis, end, 2, 0, 1);   // 10-10.5 s: the first requests time out
  // 10.5-13 s: requests hang (in flight, neither answered nor failed)
  for (int k = 0; k < 10; ++k) {
    end += 250ms;
    IntervalRecord interval;
    interval.end = end;
    interval.length = 250ms;
    interval.phase = "main";
    WorkloadInterval w;
    w.name.assign(1, 'w');
    w.in_flight = 3;
    interval.workloads.push_back(w);
    analysis.add(interval);
  }
  add_intervals(analysis, end, 8, 2, 0);  // back
  std::vector<FaultEvent> events{injected_at(10s)};
  analysis.analyse(events, end);
  const FaultImpact& i = events[0].impacts[0];
  CHECK(i.downtime == 3000ms);
  CHECK(i.first_success == 3250ms);
  CHECK(i.recovered == 3250ms);  // not 750 ms, right after the last error
}
