#include "harness/query_watchdog.h"

#include <sys/socket.h>

#include <algorithm>

namespace loadgate {

QueryWatchdog::QueryWatchdog() : thread_([this](std::stop_token stop) { loop(stop); }) {}

QueryWatchdog::~QueryWatchdog() = default;

uint64_t QueryWatchdog::arm(int fd, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  watches_.push_back({next_ticket_, fd, deadline, false});
  return next_ticket_++;
}

bool QueryWatchdog::disarm(uint64_t ticket) {
  // Under the same lock as the shutdown, so a socket is never shut after its query ended (by
  // then its descriptor may belong to another connection).
  std::lock_guard lock(mutex_);
  auto it = std::find_if(watches_.begin(), watches_.end(),
                         [ticket](const Watch& w) { return w.ticket == ticket; });
  const bool fired = it->fired;
  *it = watches_.back();
  watches_.pop_back();
  return fired;
}

void QueryWatchdog::loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    // 10 ms granularity: query timeouts are seconds.
    wake_.wait_for(lock, stop, std::chrono::milliseconds(10), [] { return false; });
    const auto now = Clock::now();
    for (Watch& w : watches_)
      if (!w.fired && now >= w.deadline) {
        ::shutdown(w.fd, SHUT_RDWR);
        w.fired = true;
      }
  }
}

}  // namespace loadgate
