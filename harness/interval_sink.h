// Where a run's measurements go as they are taken: the timeline file, the HdrHistogram logs,
// the progress line, and later a Prometheus endpoint or an agent's stream to its coordinator.
// One interface, so a new destination plugs in without the run loop knowing of it.
//
// Contract: a session calls every sink from one thread, in order: start(), then write() for
// each interval, observe() for each observer sample and fault() for each fault's edge as they
// come, then finish(). A sink that cannot do its job (a full disk) throws std::runtime_error
// naming what failed; the session then ends the run cleanly (faults recovered, what was measured
// kept) and says why.
#pragma once

#include "harness/clock.h"
#include "harness/interval_record.h"
#include "harness/results.h"

namespace loadgate {

class IntervalSink {
 public:
  virtual ~IntervalSink() = default;
  // Once, before the first interval: the wall-clock instant the run's offsets count from.
  virtual void start(WallClock::time_point /*run_start*/) {}
  // Each interval as it completes. The record is reused afterwards: copy what must outlive it.
  virtual void write(const IntervalRecord& interval) = 0;
  // Each deployment observer sample, in time order.
  virtual void observe(const ObservedSample& /*sample*/) {}
  // A fault started (active) or its recover step returned (not): delivered before the next
  // interval, in the order they happened.
  virtual void fault(const FaultEvent& /*event*/, bool /*active*/) {}
  // After the last interval: flush and close.
  virtual void finish() {}
};

}  // namespace loadgate
