// One load generator thread: an io_context that owns its connections, drives its share of every
// workload (open-loop arrivals or closed-loop virtual users) and records outcomes without locks.
// Once per interval it publishes what it measured; publishing is the only shared state.
//
// Recording is double-buffered, as HdrHistogram's interval recorder is: each workload records
// into one buffer while the last interval's travels to the collector, which merges it, resets
// it and hands it back (recycle()). Past the first intervals, nothing is allocated, except while
// the collector is behind; what that needed is freed once it has caught up.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "harness/load_runner.h"

namespace boost::asio {
class thread_pool;
}

namespace loadgate {

// One workload's share of an interval on one thread. Errors are tallied by interned class
// (`errors`); `interval.errors` stays empty until the collector names them.
struct LaneRecording {
  WorkloadInterval interval;
  ErrorTally errors;
  void reset() {
    interval.reset();
    errors.reset();
  }
};

// What one generator thread measured in one interval.
struct ThreadInterval {
  uint64_t index = 0;
  bool last = false;       // the thread has finished; no interval follows
  double cpu_seconds = 0;  // this thread's CPU time within the interval
  std::vector<std::unique_ptr<LaneRecording>> workloads;
};

class GeneratorThread {
 public:
  // `call_threads[w]` runs the calls of runs[w] when it is a blocking workload (else null); the
  // pools are shared by every generator thread.
  GeneratorThread(const std::vector<WorkloadRun>& runs,
                  const std::vector<boost::asio::thread_pool*>& call_threads,
                  const RunOptions& options, unsigned index, unsigned count);
  ~GeneratorThread();

  // Runs the thread's share until the end of the run (or a stop) plus draining. Blocks.
  void run(Clock::time_point start);
  // The intervals published since the last call, oldest first. Thread-safe.
  std::vector<ThreadInterval> take_published();
  // Hands a published interval's buffers back, reset, for reuse. Thread-safe.
  void recycle(ThreadInterval interval);
  // When the last response arrived; read after run() returned.
  Clock::time_point last_response() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loadgate
