// When each request of an open-loop workload is meant to start.
//
// The schedule is global and exact: with T generator threads, thread t owns arrivals
// t, t+T, t+2T, ... of one schedule, so the threads together offer exactly the configured rate,
// and every request's latency is measured from its own intended start (coordinated omission
// corrected, as wrk2 does), however late the generator actually sent it.
#pragma once

#include <cstdint>
#include <optional>

#include "harness/units.h"

namespace loadgate {

class ConstantArrivals {
 public:
  // `owner` of `owners` generators: owner 0 of 1 owns the whole schedule.
  ConstantArrivals(double rate_per_second, Duration duration, unsigned owner = 0,
                   unsigned owners = 1);

  // Offset from the run start of this owner's k-th arrival; nullopt once it falls at or after
  // the end of the run.
  std::optional<Duration> at(uint64_t k) const;

  // How many arrivals this owner has before the end.
  uint64_t count() const { return count_; }

 private:
  double period_ns_;
  unsigned owner_;
  unsigned owners_;
  uint64_t count_;
};

}  // namespace loadgate
