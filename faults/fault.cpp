#include "faults/fault.h"

#include <algorithm>
#include <thread>

namespace loadgate {

void allow_fault_keys(const ConfigNode& node, std::span<const std::string_view> keys) {
  std::vector<std::string_view> allowed = {"kind",  "driver",        "at",
                                           "every", "recover_after", "duration"};
  allowed.insert(allowed.end(), keys.begin(), keys.end());
  node.allow_only(allowed);
}

bool Fault::wait_until(Clock::time_point until) const {
  while (Clock::now() < until) {
    if (stopping()) return false;
    std::this_thread::sleep_for(
        std::min<Duration>(until - Clock::now(), std::chrono::milliseconds(50)));
  }
  return !stopping();
}

}  // namespace loadgate
