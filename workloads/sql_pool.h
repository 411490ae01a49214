// One client-side connection pool as a service task holds it (pgx's pgxpool with MaxConns =
// DB_POOL_MAX): up to `size` connections opened on demand; a caller waits up to its deadline
// for a free one; a broken connection is replaced, with exponential backoff while connecting
// fails (or a new connection breaks on its first use). With reconnecting turned off the pool is the
// client that connects once: every connection is opened before the run (Sql::prepare) and one that
// breaks stays broken for the rest of the run (the planted problem a fault must expose).
//
// Every failure comes back as an error class, the names results use: connection_refused,
// connect_timeout, connect_failed, auth_failed, too_many_connections, broken_connection,
// in_doubt, read_only, query_timeout (the client's deadline), statement_timeout (the server's),
// deadlock, serialization_failure, transaction_rollback, pool_wait_timeout, server_shutdown,
// sql_<SQLSTATE>.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/query_watchdog.h"
#include "harness/recovery_units.h"
#include "harness/units.h"

namespace pqxx {
class connection_base;  // libpqxx 6: pqxx::connection is an alias of one of its subclasses
}

namespace loadgate {

struct ReconnectPolicy {
  bool enabled = true;
  Duration initial_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(5);
};

class SqlPool {
 public:
  // `conninfo` holds the password; `label` (no secrets) names the pool in messages. With
  // `units`, connection i of this pool reports each call's outcome as unit first_unit + i.
  SqlPool(std::string conninfo, std::string label, size_t size, ReconnectPolicy policy,
          QueryWatchdog& watchdog, RecoveryUnits* units = nullptr, size_t first_unit = 0);
  ~SqlPool();

  struct Attempt {
    std::string error_class;      // empty: `body` ran and returned
    Clock::time_point sent_at{};  // when a connection was in hand
    bool reached_commit = false;  // `body` set it: the failure may have come after the commit
    // The connection went away mid-call (broke, timed out, shut down, commit unconfirmed): no
    // answer came, so a write that reached its commit is in doubt.
    bool connection_lost = false;
  };
  // Runs `body` on a pooled connection, waiting until `wait_deadline` for one; the query
  // deadline is `query_timeout` from when the connection is in hand. `body` sets
  // `*committing` before it sends its commit (or its only autocommit statement).
  Attempt run(Clock::time_point wait_deadline, Duration query_timeout,
              const std::function<void(pqxx::connection_base&, bool* committing)>& body);

  // Opens `count` connections before the run (pgx's MinConns; at least one checks the DSN, so a
  // bad DSN, a wrong password or an unreachable pooler fails clearly, up front). Throws
  // std::runtime_error naming the pool.
  void open_connections(size_t count);

  // Closes the connections no call has used for `max_idle` (pgx's MaxConnIdleTime, node-postgres'
  // idleTimeoutMillis); later calls open new ones. Returns how many it closed.
  size_t close_idle(Duration max_idle);

 private:
  struct Slot;
  std::string connect_error_class(const std::exception& e) const;
  // Grows the backoff (once per outage) after a connect, or a new connection's first use, failed.
  void connect_failed(Clock::time_point attempt_began, const std::string& error_class);
  void connect(Slot& slot);

  const std::string conninfo_;
  const std::string label_;
  const ReconnectPolicy policy_;
  QueryWatchdog& watchdog_;
  RecoveryUnits* const units_;
  const size_t first_unit_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;       // free slots, those with an open connection at the back
  Clock::time_point retry_at_{};  // no connect attempt before this (backoff)
  Duration backoff_{};
  Clock::time_point backoff_grown_at_{};
  std::string last_connect_error_;
};

// The error class of a failure of an open connection (see the list above).
std::string sql_error_class(const std::exception& e);

}  // namespace loadgate
