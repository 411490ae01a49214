// Observes, during a run with faults against the testbed, how many connections the deployment
// holds: client backends of the application database on the Postgres primary
// (pg_stat_activity), and the clients and server connections of every pgbouncer (SHOW POOLS).
// Each fault window then reports them before the fault, at their peak and at the window's end:
// a pooler that reconnects too eagerly, or leaks server connections, shows here.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/results.h"
#include "testbed/testbed_state.h"

namespace loadgate {

class ConnectionObserver {
 public:
  // Samples every `every` on a thread of its own, from start() to finish().
  ConnectionObserver(const testbed::TestbedState& state, Duration every);
  ~ConnectionObserver();
  void start(Clock::time_point start);
  // Stops sampling and fills each event's connection counts from its window.
  void finish(std::vector<FaultEvent>& events, Duration run_end);

 private:
  struct Sample {
    Duration at{};
    int64_t postgres_backends = -1;  // -1: could not be read then
    int64_t pgbouncer_clients = -1;
    int64_t pgbouncer_servers = -1;
  };
  Sample take() const;
  void run(std::stop_token stop);

  std::filesystem::path testbed_dir_;
  std::string primary_login_;            // conninfo without host and port, with the password
  std::vector<std::string> pgbouncers_;  // admin console conninfos, with the password
  std::string database_;
  Duration every_;
  Clock::time_point start_{};
  std::mutex mutex_;
  std::vector<Sample> samples_;
  std::jthread thread_;
};

}  // namespace loadgate
