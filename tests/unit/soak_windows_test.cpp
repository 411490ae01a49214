// A soak's arithmetic: lines through points, trends as claim values with margins, and the run cut
// into windows judged from its files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "harness/linear_trend.h"
#include "reports/observations_file.h"
#include "reports/soak_windows.h"
#include "reports/timeline_file.h"
#include "tests/support/claim_fixtures.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using namespace loadgate::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

TEST_CASE("a line through points: its slope, its margin, and two stretches merged") {
  LinearTrend exact;
  for (int x = 0; x < 10; ++x) exact.add(x, 2.0 * x + 1);
  REQUIRE(exact.slope());
  CHECK(*exact.slope() == Approx(2));
  CHECK(*exact.slope_margin() == Approx(0).margin(1e-9));

  // Noise around a slope of 0.5: the margin covers the truth and shrinks with more points.
  LinearTrend few, many;
  for (int x = 0; x < 200; ++x) {
    const double y = 0.5 * x + ((x * 7919) % 13 - 6);  // deterministic, zero-mean-ish noise
    if (x < 20) few.add(x, y);
    many.add(x, y);
  }
  CHECK(std::abs(*many.slope() - 0.5) <= *many.slope_margin());
  CHECK(*many.slope_margin() < *few.slope_margin());

  // Merged halves are the whole, exactly.
  LinearTrend first, second;
  for (int x = 0; x < 200; ++x) (x < 80 ? first : second).add(x, 0.5 * x + ((x * 7919) % 13 - 6));
  first.merge(second);
  CHECK(first.points() == 200);
  CHECK(*first.slope() == Approx(*many.slope()));
  CHECK(*first.slope_margin() == Approx(*many.slope_margin()));

  LinearTrend two;
  two.add(0, 1);
  two.add(1, 2);
  CHECK_FALSE(two.slope());  // no spread to judge a line by
}

TEST_CASE("a change per hour is a value of its own kind") {
  CHECK(parse_value("1MiB/h").quantity == Quantity::bytes_per_hour);
  CHECK(parse_value("1MiB/h").amount == Approx(1048576));
  CHECK(parse_value("2ms/h").quantity == Quantity::duration_per_hour);
  CHECK(parse_value("2ms/h").amount == Approx(0.002));
  CHECK(parse_value("0.5%/hour").quantity == Quantity::share_per_hour);
  CHECK(parse_value("0.5%/hour").amount == Approx(0.005));
  CHECK(parse_value("3600/h").quantity == Quantity::rate);  // requests per hour stay a rate
  CHECK_THROWS_WITH(parse_value("1MiB/s"), Contains("change per hour"));
  CHECK_THROWS_WITH(parse_value("1XB/h"), Contains("\"1XB/h\" is not a value"));
  CHECK(format_value(1.5 * 1048576, Quantity::bytes_per_hour) == "+1.50MiB/h");
}

namespace {

// A service's RSS sampled every second for an hour, rising `per_hour`, with a sawtooth of
// `noise` bytes on top.
RunResult observed_rss(double per_hour, double noise) {
  RunResult run = planned_run({"items"}, {{"main", 0s, 3600s, true}});
  std::vector<ObservedSample> samples;
  for (int s = 0; s <= 3600; s += 1)
    samples.push_back({std::chrono::seconds(s),
                       {{"process.service.rss",
                         100e6 + per_hour * s / 3600.0 + noise * ((s % 10) - 4.5) / 4.5}}});
  fold(run, {}, samples);
  return run;
}

}  // namespace

TEST_CASE("a slope claim is held or broken only when its whole margin says so") {
  const Claim flat = claim_of("process.service.rss.slope", "<= 1MiB/h");
  auto v = judge(flat, observed_rss(0, 1e6));
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK_THAT(v.detail, Contains("3601 observer samples"));
  v = judge(flat, observed_rss(50e6, 1e6));  // a leak of 50 MB an hour
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK_THAT(v.measured, Contains("+47.") && Contains("MiB/h"));
  // A slope at the bound whose margin straddles it proves nothing either way.
  v = judge(flat, observed_rss(1048576, 30e6));
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("the margin straddles"));
  // A workload's trend needs a soak's windows.
  v = judge(claim_of("items.latency.p99.slope", "<= 1ms/h"), observed_rss(0, 0));
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("loadgate soak"));
}

TEST_CASE("a soak cut into windows: the steady state apart from faults, claims per window") {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-soak-windows-{}", ::getpid());
  std::filesystem::remove_all(dir);
  // 5 s of warmup, then 60 s of `items` whose latency climbs 1 ms a window of 20 s; a fault at
  // 30 s recovered at 32 s, with every request failing from 30 s to 33 s.
  RunResult run = planned_run({"items"}, {{"warmup", 0s, 5s, false}, {"main", 5s, 60s, true}});
  {
    TimelineFile timeline(dir / "timeline.jsonl");
    ObservationsFile observations(dir / "observations.jsonl");
    for (uint64_t i = 0; i < 65; ++i) {
      const bool failing = i >= 30 && i < 33;
      const double latency_ms = 10 + static_cast<double>(i < 5 ? 0 : (i - 5) / 20);
      timeline.write(interval_of(i, "items", failing ? 0 : 100, failing ? 100 : 0, latency_ms,
                                 i < 5 ? "warmup" : "main"));
      observations.observe({std::chrono::seconds(i), {{"process.service.rss", 1e8 + 1e6 * i}}});
    }
  }
  FaultEvent fault;
  fault.kind = "pgbouncer-restart";
  fault.description = "pgbouncer-restart kill of pgbouncer-1";
  fault.started_at = fault.injected_at = 30s;
  fault.recovered_at = 32s;
  fault.injected = fault.recovered = true;
  run.faults = {fault};
  run.slo = {{"errors.rate", "< 1%"}};
  Claim errors = claim_of("items.errors.rate", "< 1%");
  errors.id = "errors";
  const auto windows = judge_windows(run, dir, {errors}, 20s, 5s);

  REQUIRE(windows.size() == 3);  // from the warmup's end: 5–25 s, 25–45 s, 45–65 s
  CHECK(windows[0].start == 5s);
  CHECK(windows[1].end == 45s);
  for (const auto& w : windows) CHECK(w.intervals == 20);
  // Disturbed from the injection (30 s) to the recovery + settle (37 s): 7 intervals.
  CHECK(windows[1].steady_intervals == 13);
  CHECK(windows[0].steady_intervals == 20);
  // The steady state met the SLO in every window; the claim broke only where the fault was.
  for (const auto& w : windows) {
    INFO(window_line(w));
    CHECK(w.slo_judged);
    CHECK_FALSE(w.slo_breach);
  }
  CHECK(windows[0].verdict() == ClaimVerdict::Status::held);
  CHECK(windows[1].verdict() == ClaimVerdict::Status::broken);
  CHECK(windows[1].claims[0].measured == "15.00%");
  REQUIRE(windows[1].faults.size() == 1);
  CHECK_THAT(windows[1].faults[0], Contains("pgbouncer-1 at 30s"));
  CHECK(windows[2].verdict() == ClaimVerdict::Status::held);
  CHECK(windows[1].workloads[0].requests == 2000);
  CHECK(windows[1].workloads[0].errors == 300);

  // The windowed p99 climbs 1 ms a window: 180 ms an hour.
  REQUIRE(run.window_trends.contains("items.latency.p99"));
  CHECK(run.window_trends.at("items.latency.p99").points() == 3);
  CHECK(*run.window_trends.at("items.latency.p99").slope() == Approx(0.180).epsilon(0.02));
  const auto v = judge(claim_of("items.latency.p99.slope", "<= 10ms/h"), run);
  CHECK(v.measured == "+180.00ms/h");

  const auto line = window_json(windows[1]);
  CHECK(line["verdict"] == "broken");
  CHECK(line["steady_intervals"] == 13);
  CHECK(line["slo"] == "met");
  std::filesystem::remove_all(dir);
}
