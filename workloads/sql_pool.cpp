#include "workloads/sql_pool.h"

#include <algorithm>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "workloads/db_target.h"

namespace loadgate {

// --- error classes ---------------------------------------------------------------------------

std::string sql_error_class(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) return "in_doubt";
  // libpqxx 6 derives the 40xxx family from failure, not from sql_error.
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e)) return "in_doubt";
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e)) return "deadlock";
  if (dynamic_cast<const pqxx::serialization_failure*>(&e)) return "serialization_failure";
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e)) return "transaction_rollback";
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "25006") return "read_only";  // a write reached a standby
    // The server's own statement_timeout: it answered, and rolled back. (query_timeout is the
    // client's deadline, after which the answer is unknown.)
    if (state == "57014") return "statement_timeout";
    if (state.starts_with("08")) return "broken_connection";
    if (state == "57P01" || state == "57P02" || state == "57P03") return "server_shutdown";
    if (state == "53300") return "too_many_connections";
    return state.empty() ? "sql_error" : "sql_" + state;
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return "broken_connection";
  return "sql_error";
}

std::string SqlPool::connect_error_class(const std::exception& e) const {
  const std::string_view message = e.what();
  if (message.find("Connection refused") != std::string_view::npos) return "connection_refused";
  if (message.find("timeout expired") != std::string_view::npos) return "connect_timeout";
  if (message.find("too many") != std::string_view::npos ||
      message.find("no more connections") != std::string_view::npos)
    return "too_many_connections";
  if (message.find("starting up") != std::string_view::npos ||
      message.find("shutting down") != std::string_view::npos)
    return "server_shutdown";
  if (message.find("authentication failed") != std::string_view::npos) return "auth_failed";
  return "connect_failed";
}

// --- SqlPool ---------------------------------------------------------------------------------

struct SqlPool::Slot {
  size_t index = 0;  // in the pool, for its client id
  std::unique_ptr<pqxx::connection> connection;
  Clock::time_point last_used = Clock::now();
  bool dead = false;  // broken with reconnecting off: fails every call from now on
};

SqlPool::SqlPool(std::string conninfo, std::string label, size_t size, ReconnectPolicy policy,
                 QueryWatchdog& watchdog, RecoveryUnits* units, size_t first_unit)
    : conninfo_(std::move(conninfo)),
      label_(std::move(label)),
      policy_(policy),
      watchdog_(watchdog),
      units_(units),
      first_unit_(first_unit) {
  for (size_t i = 0; i < size; ++i) {
    slots_.push_back(std::make_unique<Slot>());
    slots_.back()->index = i;
    free_.push_back(slots_.back().get());
  }
}

SqlPool::~SqlPool() = default;

void SqlPool::connect(Slot& slot) {
  // A connection that broke is never used again (run() drops it), so libpqxx 6's reactivation
  // of broken connections cannot reconnect behind the reconnect policy's back.
  slot.connection = std::make_unique<pqxx::connection>(conninfo_);
}

void SqlPool::open_connections(size_t count) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < std::min(count, slots_.size()); ++i) {
    try {
      connect(*slots_[i]);
    } catch (const std::exception& e) {
      throw std::runtime_error(
          fmt::format("cannot connect to {}: {}", label_, single_line(e.what())));
    }
  }
  // Slots with a connection at the back of the free list, where callers take from.
  std::stable_partition(free_.begin(), free_.end(),
                        [](const Slot* slot) { return !slot->connection; });
}

SqlPool::Attempt SqlPool::run(Clock::time_point wait_deadline, Duration query_timeout,
                              const std::function<void(pqxx::connection_base&, bool*)>& body) {
  Attempt attempt;
  Slot* slot = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_until(lock, wait_deadline, [this] { return !free_.empty(); })) {
      attempt.error_class = "pool_wait_timeout";
      return attempt;
    }
    slot = free_.back();
    free_.pop_back();
  }
  // Every path that took a slot ends here, with attempt.error_class set when it failed.
  auto give_back = [&] {
    if (units_) units_->record(first_unit_ + slot->index, attempt.error_class.empty());
    {
      std::lock_guard lock(mutex_);
      slot->last_used = Clock::now();
      // Slots with a connection go to the back, where the next caller takes from.
      if (slot->connection)
        free_.push_back(slot);
      else
        free_.insert(free_.begin(), slot);
    }
    freed_.notify_one();
  };

  // A connection opened for this call counts as connected only once it has carried a statement:
  // a pooler that accepts logins while its database is down (pgbouncer between a failover and
  // server_login_retry) must slow reconnects down as a refusal would, or every call pays a new
  // SCRAM handshake and the client burns the CPU the load generator needs.
  bool fresh = false;
  const Clock::time_point attempt_began = Clock::now();
  if (!slot->connection) {
    // Without reconnecting, every connection was opened before the run: one missing now broke.
    if (slot->dead || !policy_.enabled) {
      attempt.error_class = "broken_connection";
      give_back();
      return attempt;
    }
    {
      std::lock_guard lock(mutex_);
      if (Clock::now() < retry_at_) attempt.error_class = last_connect_error_;
    }
    if (!attempt.error_class.empty()) {  // backing off: fail fast with the last reason
      give_back();
      return attempt;
    }
    try {
      connect(*slot);
      fresh = true;
    } catch (const std::exception& e) {
      attempt.error_class = connect_error_class(e);
      connect_failed(attempt_began, attempt.error_class);
      give_back();
      return attempt;
    }
  }

  attempt.sent_at = Clock::now();
  const uint64_t ticket = watchdog_.arm(slot->connection->sock(), attempt.sent_at + query_timeout);
  bool committing = false;
  try {
    body(*slot->connection, &committing);
  } catch (const std::exception& e) {
    attempt.error_class = sql_error_class(e);
  }
  const bool timed_out = watchdog_.disarm(ticket);
  if (timed_out && !attempt.error_class.empty()) attempt.error_class = "query_timeout";
  attempt.reached_commit = committing;
  attempt.connection_lost = timed_out || attempt.error_class == "broken_connection" ||
                            attempt.error_class == "in_doubt" ||
                            attempt.error_class == "server_shutdown";
  if (attempt.connection_lost || !slot->connection->is_open()) {
    slot->connection.reset();
    slot->dead = !policy_.enabled;
  }
  if (fresh && attempt.connection_lost) {
    connect_failed(attempt_began, attempt.error_class);
  } else if (fresh) {
    std::lock_guard lock(mutex_);
    backoff_ = {};
  }
  give_back();
  return attempt;
}

size_t SqlPool::close_idle(Duration max_idle) {
  std::vector<std::unique_ptr<pqxx::connection>> closing;
  {
    std::lock_guard lock(mutex_);
    const auto idle_since = Clock::now() - max_idle;
    for (Slot* slot : free_)
      if (slot->connection && slot->last_used < idle_since)
        closing.push_back(std::move(slot->connection));
    std::stable_partition(free_.begin(), free_.end(),
                          [](const Slot* slot) { return !slot->connection; });
  }
  return closing.size();  // closed here, outside the lock: each close sends a Terminate
}

void SqlPool::connect_failed(Clock::time_point attempt_began, const std::string& error_class) {
  std::lock_guard lock(mutex_);
  // Attempts already under way when the backoff last grew failed for the same outage: only a
  // later one grows it again, so a burst of refusals from one restart does not jump straight
  // to max_backoff.
  if (attempt_began >= backoff_grown_at_) {
    backoff_ = backoff_ == Duration::zero() ? policy_.initial_backoff
                                            : std::min(backoff_ * 2, policy_.max_backoff);
    backoff_grown_at_ = Clock::now();
    retry_at_ = backoff_grown_at_ + backoff_;
  }
  last_connect_error_ = error_class;
}

}  // namespace loadgate
