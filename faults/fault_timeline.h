// Runs a scenario's faults on the run's clock, on a thread of its own: each is injected at its
// offset, recovered `recover_after` later, and repeated `every` while the run lasts. Whatever
// happens (an injection that fails, a stop request, the end of the run), everything injected is
// recovered before finish() returns, and every inject and recover is stamped for the report.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "faults/fault.h"
#include "faults/fault_journal.h"
#include "harness/clock.h"
#include "harness/results.h"
#include "harness/scenario.h"

namespace loadgate {

class FaultTimeline {
 public:
  struct Entry {
    FaultSpec spec;
    std::unique_ptr<Fault> fault;
  };
  // `after_recovery`, when set, runs once a fault has recovered, to add what only then can be
  // known (the write ledgers' read-back, the clients' return). It runs on one of a fixed few
  // follow-up threads (however many faults a soak injects), so a read-back that waits for a
  // pooler to reconnect does not push the next fault back; finish() waits for them. It is told
  // where the fault's window ends: the next fault's planned start, or the run's end.
  using AfterRecovery = std::function<void(FaultEvent&, Duration window_end)>;
  // `journal`, when given (not owned), has each injection written down before it runs and marked
  // once recovered (faults/fault_journal.h); an entry's number there is its place in `entries`.
  FaultTimeline(std::vector<Entry> entries, Duration run_length, std::stop_token stop,
                AfterRecovery after_recovery = {}, FaultJournal* journal = nullptr);
  ~FaultTimeline();

  // Told on the timeline's thread as each fault starts (active) and once its recover step
  // returned (not): the steady-state probes try faster in between, a metrics endpoint shows it.
  // Every watcher is added before start().
  using Edge = std::function<void(const FaultEvent& event, bool active)>;
  void watch(Edge edge) { edges_.push_back(std::move(edge)); }
  // Starts the schedule; offsets count from `start` (the run's own start).
  void start(Clock::time_point start);
  // Stops scheduling, recovers whatever is still injected and returns what happened, in order.
  std::vector<FaultEvent> finish();

 private:
  // A fixed pool of threads for the follow-ups, in the order the faults recovered.
  class FollowUps {
   public:
    explicit FollowUps(size_t threads);
    ~FollowUps();  // runs what is queued, then joins
    void post(std::function<void()> work);

   private:
    void work(std::stop_token stop);
    size_t threads_;
    std::mutex mutex_;
    std::condition_variable_any ready_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::jthread> workers_;  // started on first use
  };

  void run(std::stop_token stop);
  bool stopping(const std::stop_token& stop) const;
  bool sleep_until(Clock::time_point when, const std::stop_token& stop) const;
  // Stores the event; then runs after_recovery_ on a copy and puts the result in its place.
  void record(FaultEvent event, Duration window_end);

  std::vector<Entry> entries_;
  Duration run_length_;
  std::stop_token stop_;  // the run's
  AfterRecovery after_recovery_;
  FaultJournal* journal_;
  std::vector<Edge> edges_;
  Clock::time_point start_{};
  std::mutex mutex_;
  std::vector<FaultEvent> events_;
  std::unique_ptr<FollowUps> follow_ups_;
  std::jthread thread_;
};

}  // namespace loadgate
