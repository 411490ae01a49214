// Runs a scenario's faults on the run's clock, on a thread of its own: each is injected at its
// offset, recovered `recover_after` later, and repeated `every` while the run lasts. Whatever
// happens (an injection that fails, a stop request, the end of the run), everything injected is
// recovered before finish() returns, and every inject and recover is stamped for the report.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "faults/fault.h"
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
  // known (the write ledgers' read-back, the clients' return). It runs on a thread of its own,
  // so a read-back that waits for a pooler to reconnect does not push the next fault back;
  // finish() waits for it. It is told where the fault's window ends: the next fault's planned
  // start, or the run's end.
  using AfterRecovery = std::function<void(FaultEvent&, Duration window_end)>;
  FaultTimeline(std::vector<Entry> entries, Duration run_length,
                const std::atomic<bool>* stop_requested, AfterRecovery after_recovery = {});
  ~FaultTimeline();

  // Starts the schedule; offsets count from `start` (the run's own start).
  void start(Clock::time_point start);
  // Stops scheduling, recovers whatever is still injected and returns what happened, in order.
  std::vector<FaultEvent> finish();

 private:
  void run(std::stop_token stop);
  bool sleep_until(Clock::time_point when, const std::stop_token& stop) const;
  // Stores the event; then runs after_recovery_ on a copy and puts the result in its place.
  void record(FaultEvent event, Duration window_end);

  std::vector<Entry> entries_;
  Duration run_length_;
  const std::atomic<bool>* stop_requested_;
  AfterRecovery after_recovery_;
  Clock::time_point start_{};
  std::mutex mutex_;
  std::vector<FaultEvent> events_;
  std::vector<std::jthread> after_recovery_threads_;  // only the timeline's thread adds to it
  std::jthread thread_;
};

}  // namespace loadgate
