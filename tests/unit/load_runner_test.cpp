// The run loop against loopback peers: what it offers, drops, records per phase, and how the
// timeline adds up. The workload is a plain GET; the peers are real sockets. What the run loop
// hands over is only its intervals: the results here are their fold, as a session makes it.
#include <catch2/catch.hpp>

#include <atomic>
#include <numeric>
#include <thread>

#include "harness/load_runner.h"
#include "reports/run_fold.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using namespace std::chrono_literals;
using loadgate::test::LoopbackPeer;
using loadgate::test::PeerBehaviour;

namespace {

class PlainGet : public Workload {
 public:
  void prepare() override {}
  HttpRequest next(Rng&) const override { return {"GET", "/", {}, ""}; }
  Outcome judge(const HttpRequest&, const HttpResponse& response) const override {
    if (response.status == 200) return {};
    return {Outcome::Kind::error, "http_" + std::to_string(response.status)};
  }
};

ExecutorSpec open_rate(double rate) {
  ExecutorSpec spec;
  spec.type = "constant-arrival-rate";
  spec.profile = LoadProfile::constant(rate);
  return spec;
}

// Runs the workloads and folds their intervals into results, as RunSession does (without files).
RunResult fold_load(const std::vector<WorkloadRun>& workloads, RunOptions options) {
  RunResult run;
  run.interval = options.interval;
  run.planned_duration = options.phases.back().start + options.phases.back().duration;
  for (const auto& w : workloads) {
    WorkloadResult planned;
    planned.name = w.name;
    run.workloads.push_back(planned);
  }
  for (const auto& phase : options.phases) {
    PhaseResult p{phase.name, phase.start, phase.duration, phase.recorded, {}};
    for (size_t i = 0; i < workloads.size(); ++i) {
      WorkloadResult w = run.workloads[i];
      w.offered_rate = workloads[i].executor.profile.mean_level(phase.start, phase.duration);
      p.workloads.push_back(w);
    }
    run.phases.push_back(p);
  }
  RunFold fold(run, {});
  auto also = options.on_interval;
  options.on_interval = [&](const IntervalRecord& interval) {
    fold.add(interval);
    if (also) also(interval);
  };
  run_load(workloads, options);
  fold.finish();
  return run;
}

RunOptions options_for(const Endpoint& endpoint, std::vector<Phase> phases) {
  RunOptions options;
  options.phases = std::move(phases);
  options.endpoints = {endpoint};
  options.interval = 250ms;
  options.drain_timeout = 300ms;
  return options;
}

}  // namespace

TEST_CASE("a request over max_in_flight is dropped and counted, never delayed") {
  LoopbackPeer silent(PeerBehaviour::silent);
  PlainGet get;
  RunOptions options = options_for(silent.endpoint(), {{"main", 0s, 1s, true}});
  options.client.max_in_flight = 5;
  options.client.request_timeout = 10s;
  uint64_t timeline_cancelled = 0, timeline_dropped = 0;
  options.on_interval = [&](const IntervalRecord& interval) {
    const auto& errors = interval.workloads[0].errors;
    if (auto it = errors.find("cancelled"); it != errors.end()) timeline_cancelled += it->second;
    timeline_dropped += interval.workloads[0].dropped;
  };
  RunResult result = fold_load({{"get", "get", &get, open_rate(100)}}, options);
  const WorkloadResult& w = result.workloads[0];
  // The drain's cancellations reach the timeline too, not only the totals.
  CHECK(timeline_cancelled == 5);
  CHECK(timeline_dropped == 95);
  CHECK(w.scheduled == 100);
  CHECK(w.dropped == 95);
  CHECK(w.ok == 0);
  CHECK(w.errors.at("cancelled") == 5);  // still hanging when the drain ended
}

TEST_CASE("phases keep their own results and the warmup stays out of the totals") {
  LoopbackPeer ok(PeerBehaviour::ok);
  PlainGet get;
  RunOptions options =
      options_for(ok.endpoint(), {{"warmup", 0s, 500ms, false}, {"steady", 500ms, 1s, true}});
  RunResult result = fold_load({{"get", "get", &get, open_rate(200)}}, options);
  REQUIRE(result.phases.size() == 2);
  // A request counts in the interval it ended in: one due just before the warmup's end may
  // land in the steady phase.
  const uint64_t warmup = result.phases[0].workloads[0].ok;
  const uint64_t steady = result.phases[1].workloads[0].ok;
  CHECK(warmup + steady == 300);
  CHECK(warmup >= 98);
  CHECK(warmup <= 100);
  CHECK(result.workloads[0].ok == steady);
  CHECK(result.workloads[0].offered_rate == Approx(200));
  CHECK(result.recorded_duration == Duration(1s));
}

// A GET whose building stalls the generator thread for 45 ms once in every ten requests, as a
// slow moment of the machine would: the requests due meanwhile are sent late.
class StallingGet : public PlainGet {
 public:
  HttpRequest next(Rng& rng) const override {
    if (built_++ % 10 == 7) std::this_thread::sleep_for(45ms);
    return PlainGet::next(rng);
  }

 private:
  mutable std::atomic<uint64_t> built_{0};
};

TEST_CASE("an arrival counts in the interval it was due in, even when it is sent late") {
  LoopbackPeer ok(PeerBehaviour::ok);
  StallingGet get;
  RunOptions options =
      options_for(ok.endpoint(), {{"warmup", 0s, 500ms, false}, {"steady", 500ms, 1s, true}});
  options.interval = 100ms;
  std::vector<uint64_t> scheduled;
  options.on_interval = [&](const IntervalRecord& interval) {
    scheduled.push_back(interval.workloads[0].scheduled);
  };
  // One arrival every 10 ms: ten per interval, one due on each interval's first instant.
  RunResult result = fold_load({{"get", "get", &get, open_rate(100)}}, options);
  // Fifteen intervals of ten (the drain may publish one more, with nothing due in it).
  REQUIRE(scheduled.size() >= 15);
  CHECK(std::vector<uint64_t>(scheduled.begin(), scheduled.begin() + 15) ==
        std::vector<uint64_t>(15, 10));
  CHECK(std::accumulate(scheduled.begin(), scheduled.end(), uint64_t{0}) == 150);
  CHECK(result.phases[1].workloads[0].scheduled == 100);
  CHECK(result.phases[0].workloads[0].ok + result.phases[1].workloads[0].ok == 150);
}

TEST_CASE("the timeline's intervals add up to the totals, in order") {
  LoopbackPeer ok(PeerBehaviour::ok);
  PlainGet get;
  RunOptions options = options_for(ok.endpoint(), {{"main", 0s, 1s, true}});
  options.client.threads = 2;
  std::vector<IntervalRecord> samples;
  options.on_interval = [&](const IntervalRecord& interval) { samples.push_back(interval); };
  RunResult result = fold_load({{"get", "get", &get, open_rate(400)}}, options);
  uint64_t attempts = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    CHECK(samples[i].index == i);
    attempts += samples[i].workloads[0].attempts();
  }
  CHECK(samples.size() >= 4);
  // Counted apart from the intervals: every reply the peer wrote is in exactly one of them.
  CHECK(attempts == ok.replies());
  CHECK(result.workloads[0].ok == 400);
}

TEST_CASE("a closed model keeps its virtual users busy and ramps them") {
  LoopbackPeer ok(PeerBehaviour::ok);
  PlainGet get;
  ExecutorSpec vus;
  vus.type = "ramping-vus";
  vus.model = ExecutorSpec::Model::closed;
  vus.profile = LoadProfile(1, {{4, 500ms}});
  vus.think = 10ms;
  RunOptions options = options_for(ok.endpoint(), {{"main", 0s, 1s, true}});
  RunResult result = fold_load({{"vus", "get", &get, vus}}, options);
  const WorkloadResult& w = result.workloads[0];
  CHECK(w.peak_vus == 4);
  CHECK(w.error_count() == 0);
  // Between 1 and 4 VUs, each at most one request per 10 ms think: well above 1 VU's 100.
  CHECK(w.ok > 150);
  CHECK(w.ok < 400);
  CHECK(w.scheduled == 0);  // no schedule in a closed model
}

TEST_CASE("errors from the target are counted by class, per request") {
  LoopbackPeer busy(PeerBehaviour::busy_then_close);
  PlainGet get;
  RunOptions options = options_for(busy.endpoint(), {{"main", 0s, 500ms, true}});
  RunResult result = fold_load({{"get", "get", &get, open_rate(100)}}, options);
  CHECK(result.workloads[0].errors.at("http_503") == 50);
  CHECK(result.workloads[0].attempts() == 50);
}

TEST_CASE("failed requests keep their own latency, apart from the successes'") {
  LoopbackPeer silent(PeerBehaviour::silent);
  PlainGet get;
  RunOptions options = options_for(silent.endpoint(), {{"main", 0s, 500ms, true}});
  options.client.request_timeout = 100ms;
  options.drain_timeout = 1s;
  RunResult result = fold_load({{"get", "get", &get, open_rate(20)}}, options);
  const WorkloadResult& w = result.workloads[0];
  CHECK(w.errors.at("timeout") == 10);
  CHECK(w.latency.count() == 0);
  CHECK(w.error_latency.count() == 10);
  CHECK(w.error_latency.min() >= 100'000);  // each waited out the 100 ms request timeout
}

TEST_CASE("requests take the endpoints in turn, even when one of them answers much faster") {
  // Reusing whichever connection came back first would send nearly everything to the fast one.
  LoopbackPeer fast(PeerBehaviour::ok);
  LoopbackPeer hung(PeerBehaviour::silent);
  PlainGet get;
  RunOptions options = options_for(fast.endpoint(), {{"main", 0s, 1s, true}});
  options.endpoints.push_back(hung.endpoint());
  options.client.request_timeout = 200ms;
  RunResult result = fold_load({{"get", "get", &get, open_rate(100)}}, options);
  const WorkloadResult& w = result.workloads[0];
  CHECK(w.attempts() == 100);
  CHECK(w.ok == 50);
  CHECK(w.errors.at("timeout") == 50);
}

TEST_CASE("connections opened for a peak are dropped once idle: the pool follows the load") {
  // 400/s against 50 ms answers holds ~20 connections; then 10/s needs one or two. A pool that
  // kept its high-water mark would hold the peak's connections open to the end of the run.
  LoopbackPeer slow(PeerBehaviour::slow_ok);
  PlainGet get;
  RunOptions options = options_for(slow.endpoint(), {{"main", 0s, 4100ms, true}});
  options.client.idle_timeout = 500ms;
  ExecutorSpec peak_then_trickle = open_rate(400);
  peak_then_trickle.profile = LoadProfile(400, {{400, 1s}, {10, 100ms}, {10, 3s}});
  // Sampled while the trickle runs (the drain at the end closes every connection anyway).
  size_t peak_open = 0, trickle_end_open = 0;
  options.on_interval = [&](const IntervalRecord& interval) {
    const size_t open = slow.open_connections();
    peak_open = std::max(peak_open, open);
    if (interval.end <= 4s) trickle_end_open = open;
  };
  RunResult result = fold_load({{"get", "get", &get, peak_then_trickle}}, options);
  CHECK(result.workloads[0].ok == result.workloads[0].attempts());
  CHECK(peak_open >= 10);
  CHECK(trickle_end_open <= 3);
}
