// A deadline for a blocking call on a socket (a libpq query, a pgbouncer admin command): past
// it, the watchdog shuts the socket so the call returns with an error.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "harness/clock.h"

namespace loadgate {

// Ends queries that run past their deadline the way pgx does on a context deadline: it shuts
// the connection's socket, so a query stuck behind a blackhole ends too (a cancel request would
// be stuck behind the same blackhole). One thread serves every socket it watches.
class QueryWatchdog {
 public:
  QueryWatchdog();
  ~QueryWatchdog();
  // Watches socket `fd` until disarm(); returns a ticket for disarm().
  uint64_t arm(int fd, Clock::time_point deadline);
  // Stops watching; true when the deadline had passed and the socket was shut.
  bool disarm(uint64_t ticket);

 private:
  struct Watch {
    uint64_t ticket;
    int fd;
    Clock::time_point deadline;
    bool fired;
  };
  void loop(std::stop_token stop);
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<Watch> watches_;
  uint64_t next_ticket_ = 1;
  std::jthread thread_;
};

}  // namespace loadgate
