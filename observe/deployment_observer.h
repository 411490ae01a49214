// Observes the deployment through a run, faults or not, a sample a second (`every`), onto the
// run's observations (observations.jsonl, the HTML report's gauges, claims such as
// db.backend_connections.max):
//   Postgres primary  db.backend_connections, db.active, db.idle, db.idle_in_transaction
//                     (client backends of the application database, pg_stat_activity),
//                     db.application.<application_name> (the same by client),
//                     db.max_connections, db.replicas and db.replica_lag (s, the worst replay
//                     lag in pg_stat_replication; needs pg_monitor or a superuser)
//   every node        db.primaries and db.standbys (pg_is_in_recovery): two primaries at once
//                     is a split brain
//   each pgbouncer    pgbouncer.cl_active, cl_waiting, sv_active, sv_idle, client_connections,
//                     server_connections (summed over the fleet, SHOW POOLS), maxwait (s),
//                     avg_query_time, avg_xact_time (s, the worst pgbouncer, SHOW STATS)
//   local processes   process.<role>.cpu (cores) and .rss (bytes) of the role's busiest
//                     instance, .cpu_total and .rss_total of all: the testbed's postgres,
//                     pgbouncer, service and proxy processes, and loadgate's own ("generator")
// The fold (reports/run_fold.h) gives each fault window the connection counts before the fault,
// at their peak and at the window's end: a pooler that reconnects too eagerly, or leaks server
// connections, shows.
//
// On a testbed it finds everything itself. For a real deployment the scenario says where to look:
//
//   observe:
//     database: app                  # whose connections count
//     postgres: {dsn: "host=db.internal dbname=app user=monitor", password_env: PGPASSWORD_MON,
//                replica_dsns: ["host=db-replica-1.internal dbname=app user=monitor"]}
//     pgbouncer: {admin_dsn: ["host=pgb-1 port=6432 dbname=pgbouncer user=stats"],
//                 password_env: PGBOUNCER_STATS_PASSWORD}
//     every: 1s
//     commands: [{name: ecs.running_tasks, run: "aws ecs ...", every: 10s}]   # command.<name>
//                                    # (observe/command_gauges.h); alone, or beside a testbed's
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/config_node.h"
#include "harness/results.h"
#include "observe/command_gauges.h"
#include "observe/process_sampler.h"
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
  std::function<std::vector<Server>()> nodes;       // every Postgres node, asked its role
  std::vector<Server> replicas;                     // named in observe: (checked before the run)
  std::vector<Server> pgbouncers;                   // admin or stats console DSNs
  std::function<std::vector<ProcessSampler::Root>()> processes;  // local ones to watch, by role
  std::vector<GaugeCommand> commands;                            // the operator's own gauges
  std::filesystem::path command_logs;                            // where their output goes
  Duration every = std::chrono::seconds(1);

  // Watches a database or a pooler (not only the operator's commands).
  bool watches_servers() const { return postgres || !pgbouncers.empty(); }
};

// The testbed's primary (read again at each sample: a failover moves it) and pgbouncers.
ObservedDeployment observed_testbed(const testbed::TestbedState& state);
// A scenario's `observe:` mapping (see above); the commands log under `out`/observe. Throws
// ConfigError naming the line.
ObservedDeployment observed_deployment(const ConfigNode& observe, const std::filesystem::path& out);
// Connects once to each server; throws std::runtime_error naming the one that does not answer
// (without its password), so a bad DSN fails before the run instead of leaving gaps.
void check_observable(const ObservedDeployment& deployment);

// Every gauge the observer may sample, and the families of them (db.application.<name>), for
// checking a claim's metric before the run.
const std::vector<std::string>& observed_gauge_names();
const std::vector<std::string>& observed_gauge_families();

class DeploymentObserver {
 public:
  // Samples every `deployment.every` on a thread of its own, from start() to stop(), and hands
  // each sample to `on_sample` as it is taken (on that thread). Keeps none: a soak's memory
  // does not grow with its samples.
  DeploymentObserver(ObservedDeployment deployment, std::function<void(ObservedSample)> on_sample);
  ~DeploymentObserver();
  void start(Clock::time_point start);
  // Stops sampling; returns once the last sample was handed over.
  void stop();
  // Samples that could not be taken (a query that threw, a state file mid-rewrite, a command that
  // failed): gaps in the observations, never the end of the run. Read after stop().
  struct Gaps {
    size_t count = 0;
    std::string first_reason;
  };
  Gaps gaps() const;

 private:
  std::map<std::string, double> take();
  void run(std::stop_token stop);

  ObservedDeployment deployment_;
  std::function<void(ObservedSample)> on_sample_;
  ProcessSampler processes_;
  CommandGauges commands_;
  Clock::time_point start_{};
  Gaps gaps_;  // written by the sampling thread only, read after it ended
  std::jthread thread_;
};

}  // namespace loadgate
