// The run as a library: a plan made and run in-process against a loopback peer, its results the
// fold of the files it wrote, a stop and a failed write ending it cleanly.
#include <catch2/catch.hpp>

#include <fstream>

#include <fmt/format.h>

#include "reports/json_result.h"
#include "reports/report_formats.h"
#include "reports/result_reader.h"
#include "session/run_session.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::LoopbackPeer;
using loadgate::test::PeerBehaviour;
using namespace std::chrono_literals;

namespace {

// A scenario against `peer` in a directory of its own: 200/s of token validations, a 500 ms
// warmup then 1 s, 250 ms intervals; and a claims file on it.
struct SessionFixture {
  std::filesystem::path dir;
  PlanRequest request;

  SessionFixture(const std::string& name, const Endpoint& peer, const std::string& claim_metric) {
    dir = std::filesystem::temp_directory_path() / ("loadgate-session-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "s.yaml") << fmt::format(
        "name: {}\n"
        "target: {{urls: [http://127.0.0.1:{}]}}\n"
        "phases: [{{name: warmup, duration: 500ms}}, {{name: steady, duration: 1s}}]\n"
        "client: {{interval: 250ms}}\n"
        "workloads:\n"
        "  get:\n"
        "    kind: jwt\n"
        "    secret_env: HOME\n"
        "    executor: {{type: constant-arrival-rate, rate: 200/s}}\n",
        name, peer.port);
    std::ofstream(dir / "c.yaml") << fmt::format(
        "claims:\n"
        "  - id: no-errors\n"
        "    source: {{doc: test, quote: none}}\n"
        "    metric: {}\n"
        "    expect: \"< 1%\"\n",
        claim_metric);
    request.scenario = dir / "s.yaml";
    request.claims = {dir / "c.yaml"};
    request.out = dir / "out";
  }
  ~SessionFixture() { std::filesystem::remove_all(dir); }
};

// Keeps what the session hands its sinks; can stop the run or fail at an interval.
class WatchingSink : public IntervalSink {
 public:
  std::stop_source* stop_at_third = nullptr;
  bool fail_at_third = false;
  uint64_t intervals = 0, steady_ok = 0;

  void write(const IntervalRecord& interval) override {
    ++intervals;
    if (interval.phase == "steady") steady_ok += interval.workloads.at(0).ok;
    if (intervals == 3 && stop_at_third) stop_at_third->request_stop();
    if (intervals == 3 && fail_at_third)
      throw std::runtime_error("cannot write the test's sink: No space left on device");
  }
};

}  // namespace

TEST_CASE("a session runs in-process and its results are the fold of the files it wrote") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("whole", peer.endpoint(), "get.errors.rate");
  RunPlan plan = make_plan(fixture.request);
  WatchingSink sink;
  const RunResult result = RunSession(plan, {&sink}).run(std::stop_token{});
  REQUIRE(result.workloads.size() == 1);
  const WorkloadResult& w = result.workloads[0];
  CHECK(w.error_count() == 0);
  CHECK(w.ok == sink.steady_ok);  // the totals are the steady intervals, added up
  CHECK(w.ok + result.phases[0].workloads[0].ok == 300);
  CHECK(sink.intervals >= 6);
  CHECK_FALSE(result.interrupted);
  CHECK(result.stopped_by.empty());
  REQUIRE(result.claims.size() == 1);
  CHECK(result.claims[0].status == ClaimVerdict::Status::held);
  for (const char* file : {"timeline.jsonl", "hdr/get.hlog"})
    CHECK(std::filesystem::exists(fixture.dir / "out" / file));
  // What `loadgate report` reads back is what the session returned.
  write_report_files(result, fixture.dir / "out");
  RunResult back = read_run(fixture.dir / "out");
  back.claims = result.claims;
  CHECK(result_to_json(back) == result_to_json(result));
}

TEST_CASE("a stop request ends the session early, and the result says so") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("stopped", peer.endpoint(), "get.errors.rate");
  RunPlan plan = make_plan(fixture.request);
  std::stop_source stop;
  WatchingSink sink;
  sink.stop_at_third = &stop;
  const RunResult result = RunSession(plan, {&sink}).run(stop.get_token());
  CHECK(result.interrupted);
  CHECK(result.elapsed < 1200ms);
  CHECK(result.workloads[0].error_count() == 0);  // in flight when stopped: drained, not lost
}

TEST_CASE("a sink that cannot write ends the run cleanly with what was measured") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("full-disk", peer.endpoint(), "get.errors.rate");
  RunPlan plan = make_plan(fixture.request);
  WatchingSink sink;
  sink.fail_at_third = true;
  const RunResult result = RunSession(plan, {&sink}).run(std::stop_token{});
  CHECK_FALSE(result.interrupted);
  CHECK_THAT(result.stopped_by, Contains("No space left on device"));
  CHECK(result.elapsed < 1200ms);
  // The intervals before the failure are in the record, and folded.
  CHECK(result.phases[0].workloads[0].ok >= 90);
}

TEST_CASE("a misspelt claim fails the plan, before anything is sent, naming its line") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("typo", peer.endpoint(), "gt.errors.rate");
  CHECK_THROWS_WITH(make_plan(fixture.request),
                    Contains("c.yaml:4:13") && Contains("did you mean 'get'?"));
  CHECK_FALSE(std::filesystem::exists(fixture.dir / "out"));
}

TEST_CASE("two workloads whose files would be one are refused before the run") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("same-files", peer.endpoint(), "get.errors.rate");
  std::ofstream(fixture.dir / "s.yaml", std::ios::app)
      << "  \"get!\":\n"
         "    kind: jwt\n"
         "    secret_env: HOME\n"
         "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
         "  \"get?\":\n"
         "    kind: jwt\n"
         "    secret_env: HOME\n"
         "    executor: {type: constant-arrival-rate, rate: 1/s}\n";
  CHECK_THROWS_WITH(make_plan(fixture.request), Contains("s.yaml:15:5: workloads.get?") &&
                                                    Contains("would share their files (get_)"));
}

TEST_CASE("claims on what this run does not have are said before it, not refused") {
  LoopbackPeer peer(PeerBehaviour::ok);
  SessionFixture fixture("absent", peer.endpoint(), "login.errors.rate");
  std::ofstream(fixture.dir / "c.yaml", std::ios::app) << "  - id: backends\n"
                                                          "    source: {doc: test, quote: none}\n"
                                                          "    metric: db.backend_connections.max\n"
                                                          "    expect: \"<= 62\"\n"
                                                          "  - id: failover\n"
                                                          "    source: {doc: test, quote: none}\n"
                                                          "    metric: fault.failover.downtime\n"
                                                          "    expect: \"<= 30s\"\n";
  const RunPlan plan = make_plan(fixture.request);
  REQUIRE(plan.notes.size() == 3);
  CHECK_THAT(plan.notes[0], Contains("workloads this scenario does not run (login)"));
  CHECK_THAT(plan.notes[1], Contains("faults this scenario does not inject (failover)"));
  CHECK_THAT(plan.notes[2],
             Contains("1 claims on the deployment's gauges") && Contains("nothing observes it"));
}
