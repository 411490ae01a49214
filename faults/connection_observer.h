// Observes, during a run with faults, how many connections the deployment holds: client backends
// of the application database on the Postgres primary (pg_stat_activity), and the clients and
// server connections of every pgbouncer (SHOW POOLS). Each fault window then reports them before
// the fault, at their peak and at the window's end: a pooler that reconnects too eagerly, or
// leaks server connections, shows here.
//
// On a testbed it finds everything itself. For a real deployment the scenario says where to look:
//
//   observe:
//     database: app                  # whose connections count
//     postgres: {dsn: "host=db.internal dbname=app user=monitor", password_env: PGPASSWORD_MON}
//     pgbouncer: {admin_dsn: ["host=pgb-1 port=6432 dbname=pgbouncer user=stats"],
//                 password_env: PGBOUNCER_STATS_PASSWORD}
//     every: 500ms
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/config_node.h"
#include "harness/results.h"
#include "testbed/testbed_state.h"

namespace loadgate {

// Where the observer looks. Passwords travel apart from the DSNs, which may be shown.
struct ObservedDeployment {
  struct Server {
    std::string dsn;  // key=value or URI, no password
    std::string password;
  };
  std::string database;
  std::function<std::optional<Server>()> postgres;  // the primary now (it may change)
  std::vector<Server> pgbouncers;                   // admin or stats console DSNs
  Duration every = std::chrono::milliseconds(500);
};

// The testbed's primary (read again at each sample: a failover moves it) and pgbouncers.
ObservedDeployment observed_testbed(const testbed::TestbedState& state);
// A scenario's `observe:` mapping (see above). Throws ConfigError naming the line.
ObservedDeployment observed_deployment(const ConfigNode& observe);
// Connects once to each server; throws std::runtime_error naming the one that does not answer
// (without its password), so a bad DSN fails before the run instead of leaving gaps.
void check_observable(const ObservedDeployment& deployment);

class ConnectionObserver {
 public:
  // Samples every `deployment.every` on a thread of its own, from start() to finish().
  explicit ConnectionObserver(ObservedDeployment deployment);
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

  ObservedDeployment deployment_;
  Clock::time_point start_{};
  std::mutex mutex_;
  std::vector<Sample> samples_;
  std::jthread thread_;
};

}  // namespace loadgate
