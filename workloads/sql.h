// kind: sql: direct SQL through pgbouncer with libpqxx, shaped like the seeds' fan-out: `tasks`
// service tasks, each holding `pools_per_task` pools of `pool_max` connections (DB_POOL_MAX), so
// tasks × pools_per_task × pool_max client connections reach the poolers. Each request picks a
// task and a pool at random and runs one transaction from a weighted mix.
//
//   orders:
//     kind: sql
//     executor: {type: constant-arrival-rate, rate: 500/s}
//     tasks: 5                  # M
//     pools_per_task: 2         # the seed's admin and app pools
//     pool_max: 25              # N (DB_POOL_MAX)
//     min_connections: 0        # per pool, opened before the run (pgx's MinConns)
//     pool_wait_timeout: 2s     # a call waiting longer for a connection fails (pool_wait_timeout)
//     query_timeout: 5s         # a transaction running longer fails (query_timeout)
//     connect_timeout: 2s       # libpq's, in whole seconds (at least 2)
//     max_idle: 0s              # close connections unused this long (pgx's MaxConnIdleTime,
//                               # node-postgres' idleTimeoutMillis); 0: never
//     reconnect: {enabled: true, initial_backoff: 100ms, max_backoff: 5s}
//                               # enabled: false: the client that connects once (every
//                               # connection opened before the run, none ever replaced)
//     ids: {min: 1, max: 1000, distribution: zipf}
//     transactions:
//       - {name: read, weight: 8, autocommit: true,
//          sql: "SELECT name FROM items WHERE id = $1", params: ["{{id}}"]}
//       - {name: write, weight: 2,
//          sql: "INSERT INTO items (name, write_id) VALUES ($1, $2)",
//          params: ["lg-{{uid}}", "{{write_id}}"]}
//       - {name: transfer, steps: [{sql: ..., params: [...]}, {sql: ...}]}
//     ledger: {query: "SELECT write_id FROM items WHERE write_id = ANY($1::text[])"}
//   dsn / dsn_env / password_env / password_file: see db_target.h (default: the testbed's
//   pgbouncers, task t on pgbouncer t mod 2).
//
// Parameters go out with the extended protocol, unnamed (exec_params), which transaction-mode
// pgbouncer supports; placeholders {{id}}, {{uid}} and {{write_id}} (a ledger write) are filled
// per request. A transaction runs in BEGIN ... COMMIT unless `autocommit: true` (one step only).
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/scenario.h"
#include "harness/text_template.h"
#include "harness/workload.h"
#include "workloads/db_target.h"
#include "workloads/random_choice.h"
#include "workloads/sql_pool.h"
#include "workloads/workload_context.h"
#include "workloads/write_ledger.h"

namespace loadgate {

class Sql : public BlockingWorkload {
 public:
  // Reads and checks the workload's keys; throws ConfigError naming file:line.
  Sql(const WorkloadSpec& spec, const WorkloadContext& context);
  ~Sql() override;

  // Connects once through every DSN, so a bad DSN or password fails before the run.
  void prepare() override;
  size_t max_concurrent_calls() const override;
  CallResult call(uint64_t seed) override;

  std::shared_ptr<WriteLedger> ledger() const { return ledger_; }
  // Its pool connections, for the check that each came back after a fault.
  std::shared_ptr<const RecoveryUnits> connections() const { return connections_; }
  size_t client_connections() const { return tasks_ * pools_per_task_ * pool_max_; }
  std::vector<std::string> targets() const;  // "postgres user@host:port/db", no passwords
  // Every host its DSNs connect to (harness/libpq_text.h dsn_hosts), for the target guard.
  std::vector<std::string> hosts() const;

 private:
  struct Step {
    std::string sql;
    std::vector<TextTemplate> params;
  };
  struct Transaction {
    std::string name;
    std::vector<Step> steps;
    bool autocommit = false;
    bool read_only = false;
    bool writes_ledger = false;  // uses {{write_id}}
  };

  std::string name_;
  DbTarget target_;
  size_t tasks_ = 1, pools_per_task_ = 1, pool_max_ = 10, min_connections_ = 0;
  Duration pool_wait_timeout_ = std::chrono::seconds(2);
  Duration query_timeout_ = std::chrono::seconds(5);
  Duration connect_timeout_ = std::chrono::seconds(2);
  ReconnectPolicy reconnect_;
  IdDistribution ids_;
  std::vector<Transaction> transactions_;
  WeightedChoice choice_;
  std::shared_ptr<WriteLedger> ledger_;
  std::unique_ptr<QueryWatchdog> watchdog_;
  std::vector<std::unique_ptr<SqlPool>> pools_;  // task t, pool p at t * pools_per_task + p
  std::shared_ptr<RecoveryUnits> connections_;   // "t0.p1.c3": task 0, pool 1, connection 3
  Duration max_idle_{};
  std::jthread idle_closer_;  // declared last: stopped before the pools go
};

}  // namespace loadgate
