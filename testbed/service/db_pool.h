// The reference service's database pool: up to `size` libpqxx connections to pgbouncer, each
// used by one blocking job at a time on the pool's own threads, so a slow query never blocks
// the HTTP threads. A connection that breaks is dropped and reopened by the next job that
// needs it: the "reconnects when a connection breaks" the seeds' pgx pools do.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "harness/asio.h"

namespace loadgate::testbed {

// Runs blocking `work` on `pool` and resumes the awaiting coroutine on its own executor when it
// is done (exceptions propagate), so slow work never holds an HTTP thread.
template <typename F>
awaitable<void> offload(asio::thread_pool& pool, F&& work) {
  co_await asio::co_spawn(
      pool,
      [&]() -> awaitable<void> {
        work();
        co_return;
      },
      use_awaitable);
}

class DbPool {
 public:
  // `conninfo` carries the password; it is kept in memory only.
  DbPool(std::string conninfo, size_t size);
  ~DbPool();

  // Runs `job` on a pool thread with a connection. Exceptions from libpqxx propagate to the
  // awaiting coroutine (pqxx::broken_connection when the database is unreachable).
  awaitable<void> run(std::function<void(pqxx::connection&)> job);

 private:
  void execute(const std::function<void(pqxx::connection&)>& job);

  std::string conninfo_;
  asio::thread_pool threads_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // null slots reconnect on use
};

}  // namespace loadgate::testbed
