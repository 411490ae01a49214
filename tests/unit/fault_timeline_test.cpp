// The fault timeline's schedule, with a fault that only records what it is asked to do (the real
// faults run against a testbed in the integration tests).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "faults/fault_timeline.h"
#include "tests/support/test_harness.h"

using namespace loadgate;
using namespace std::chrono_literals;

namespace {

struct Journal {
  std::mutex mutex;
  std::vector<std::pair<std::string, Clock::time_point>> calls;
  void add(const std::string& what) {
    std::lock_guard lock(mutex);
    calls.emplace_back(what, Clock::now());
  }
};

class RecordingFault : public Fault {
 public:
  RecordingFault(Journal& journal, bool fail_inject) : journal_(journal), fail_(fail_inject) {}
  std::string describe() const override { return "recording"; }
  std::string driver() const override { return "test"; }
  void inject() override {
    journal_.add("inject");
    if (fail_) throw FaultError("cannot break it");
  }
  void recover() override { journal_.add("recover"); }

 private:
  Journal& journal_;
  bool fail_;
};

FaultSpec spec_of(Duration at, Duration recover_after, Duration every) {
  return {"recording", at, recover_after, every,
          loadgate::test::workload_spec("    kind: x\n    executor: {type: constant-vus, vus: 1}\n",
                                        "f.yaml")
              .settings};
}

}  // namespace

TEST_CASE("faults are injected on the run's clock, recovered after recover_after, and repeated") {
  Journal journal;
  std::vector<FaultTimeline::Entry> entries;
  entries.push_back(
      {spec_of(100ms, 50ms, 300ms), std::make_unique<RecordingFault>(journal, false)});
  FaultTimeline timeline(std::move(entries), 700ms, std::stop_token{});
  const auto start = Clock::now();
  timeline.start(start);
  std::this_thread::sleep_for(800ms);
  const auto events = timeline.finish();
  // At 100 ms, 400 ms (and not 700 ms: the run is over by then).
  REQUIRE(events.size() == 2);
  REQUIRE(journal.calls.size() == 4);
  CHECK(journal.calls[0].first == "inject");
  CHECK(journal.calls[1].first == "recover");
  CHECK(journal.calls[0].second - start >= 100ms);
  CHECK(journal.calls[1].second - journal.calls[0].second >= 50ms);
  CHECK(journal.calls[2].second - start >= 400ms);
  CHECK(events[0].injected);
  CHECK(events[0].recovered);
  CHECK(events[0].injected_at >= 100ms);
  CHECK(events[0].recovered_at - events[0].injected_at >= 50ms);
  CHECK(events[1].injected_at >= 400ms);
}

TEST_CASE("a fault is recovered when its injection fails and when the run stops early") {
  Journal journal;
  std::vector<FaultTimeline::Entry> entries;
  entries.push_back({spec_of(0ms, 0ms, 0ms), std::make_unique<RecordingFault>(journal, true)});
  entries.push_back({spec_of(50ms, 10s, 0ms), std::make_unique<RecordingFault>(journal, false)});
  std::stop_source stop;
  FaultTimeline timeline(std::move(entries), 60s, stop.get_token());
  timeline.start(Clock::now());
  std::this_thread::sleep_for(300ms);
  stop.request_stop();  // Ctrl-C in the middle of the second fault's 10 s
  const auto began = Clock::now();
  const auto events = timeline.finish();
  CHECK(Clock::now() - began < 1s);
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[0].injected);
  CHECK(events[0].recovered);  // recovered even though the injection failed
  CHECK_THAT(events[0].error, Catch::Contains("inject failed: cannot break it"));
  CHECK(events[1].injected);
  CHECK(events[1].recovered);  // cut short, never skipped
  CHECK(events[1].recovered_at < 2s);
}

TEST_CASE("a slow read-back after one fault does not push the next fault back") {
  Journal journal;
  std::vector<FaultTimeline::Entry> entries;
  entries.push_back({spec_of(0ms, 0ms, 200ms), std::make_unique<RecordingFault>(journal, false)});
  std::atomic<int> followed_up{0};
  std::vector<Duration> window_ends(3);
  FaultTimeline timeline(std::move(entries), 500ms, std::stop_token{},
                         [&](FaultEvent& event, Duration window_end) {
                           std::this_thread::sleep_for(600ms);  // a ledger waiting for a pooler
                           event.error = "read back";
                           window_ends[static_cast<size_t>(followed_up++)] = window_end;
                         });
  const auto start = Clock::now();
  timeline.start(start);
  std::this_thread::sleep_for(500ms);
  const auto events = timeline.finish();  // waits for every read-back
  REQUIRE(events.size() == 3);            // at 0, 200 and 400 ms, each on time
  CHECK(events[1].started_at < 300ms);
  CHECK(events[2].started_at < 500ms);
  CHECK(followed_up == 3);
  for (const auto& event : events) CHECK(event.error == "read back");
  // Each is told where its window ends: the next fault, or the run's end.
  std::sort(window_ends.begin(), window_ends.end());
  CHECK(window_ends == std::vector<Duration>{200ms, 400ms, 500ms});
}

TEST_CASE("follow-ups run on a fixed few threads however many faults there are") {
  Journal journal;
  std::vector<FaultTimeline::Entry> entries;
  entries.push_back({spec_of(0ms, 0ms, 20ms), std::make_unique<RecordingFault>(journal, false)});
  std::mutex mutex;
  std::set<std::thread::id> threads;
  int running = 0, most = 0, done = 0;
  FaultTimeline timeline(std::move(entries), 400ms, std::stop_token{}, [&](FaultEvent&, Duration) {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
      most = std::max(most, ++running);
    }
    std::this_thread::sleep_for(100ms);  // slower than faults come
    std::lock_guard lock(mutex);
    --running;
    ++done;
  });
  timeline.start(Clock::now());
  std::this_thread::sleep_for(400ms);
  const auto events = timeline.finish();
  CHECK(events.size() >= 15);                      // one every 20 ms
  CHECK(done == static_cast<int>(events.size()));  // every one followed up, late but not lost
  CHECK(most <= 2);
  CHECK(threads.size() <= 2);
}
