#include "faults/fault.h"

#include <algorithm>
#include <thread>

namespace loadgate {

bool Fault::wait_until(Clock::time_point until) const {
  while (Clock::now() < until) {
    if (stopping()) return false;
    std::this_thread::sleep_for(
        std::min<Duration>(until - Clock::now(), std::chrono::milliseconds(50)));
  }
  return !stopping();
}

}  // namespace loadgate
