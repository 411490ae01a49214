// Durations are measured on the monotonic clock; the wall clock only stamps events for humans.
#pragma once

#include <chrono>
#include <cstdint>

namespace loadgate {

using Clock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

inline int64_t to_micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}
inline int64_t to_millis(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace loadgate
