#include "faults/connection_observer.h"

#include <libpq-fe.h>

#include <memory>
#include <optional>

#include <fmt/format.h>

#include "faults/fault_impact.h"
#include "harness/libpq_text.h"

namespace loadgate {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Rows of `query`, or nothing when the server cannot be reached or refuses (a fault may have
// stopped it: that sample just goes without).
std::optional<Result> query(const std::string& conninfo, const std::string& sql) {
  Connection connection(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) return std::nullopt;
  Result result(PQexec(connection.get(), sql.c_str()), PQclear);
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) return std::nullopt;
  return result;
}

int64_t column_sum(const PGresult* result, const char* column, const std::string& database) {
  const int c = PQfnumber(result, column);
  const int d = PQfnumber(result, "database");
  if (c < 0 || d < 0) return -1;
  int64_t sum = 0;
  for (int row = 0; row < PQntuples(result); ++row)
    if (database == PQgetvalue(result, row, d)) sum += std::stoll(PQgetvalue(result, row, c));
  return sum;
}

ConnectionCounts counts_in(const std::vector<int64_t>& before, const std::vector<int64_t>& window) {
  ConnectionCounts counts;
  for (auto value : before)
    if (value >= 0) counts.before = value;
  for (auto value : window)
    if (value >= 0) {
      counts.peak = std::max(counts.peak, value);
      counts.after = value;
    }
  return counts;
}

}  // namespace

ConnectionObserver::ConnectionObserver(const testbed::TestbedState& state, Duration every)
    : testbed_dir_(state.dir), database_(state.database), every_(every) {
  const std::string admin_password = testbed::read_secret(state.admin_password_file);
  primary_login_ =
      fmt::format("dbname={} user={} password={} connect_timeout=2", state.database, state.db_user,
                  libpq_quoted(testbed::read_secret(state.db_password_file)));
  for (const auto* p : state.with_role("pgbouncer"))
    pgbouncers_.push_back(
        fmt::format("host={} port={} dbname=pgbouncer user={} password={} connect_timeout=2",
                    p->host, p->port, state.admin_user, libpq_quoted(admin_password)));
}

ConnectionObserver::~ConnectionObserver() = default;

void ConnectionObserver::start(Clock::time_point start) {
  start_ = start;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

ConnectionObserver::Sample ConnectionObserver::take() const {
  Sample sample;
  // Read each time: a failover changes which node is the primary.
  const auto state = testbed::read_state(testbed_dir_);
  const auto* primary = state ? state->find("postgres-primary") : nullptr;
  if (primary)
    if (auto rows =
            query(fmt::format("host={} port={} {}", primary->host, primary->port, primary_login_),
                  fmt::format("SELECT count(*) FROM pg_stat_activity WHERE "
                              "datname = '{}' AND backend_type = 'client "
                              "backend'",
                              database_)))
      sample.postgres_backends = std::stoll(PQgetvalue(rows->get(), 0, 0)) - 1;  // not ours
  // A pgbouncer that is down holds no connections: it adds nothing to the sums.
  int64_t clients = 0, servers = 0;
  for (const auto& console : pgbouncers_) {
    auto rows = query(console, "SHOW POOLS");
    if (!rows) continue;
    clients += column_sum(rows->get(), "cl_active", database_) +
               column_sum(rows->get(), "cl_waiting", database_);
    servers += column_sum(rows->get(), "sv_active", database_) +
               column_sum(rows->get(), "sv_idle", database_) +
               column_sum(rows->get(), "sv_used", database_);
  }
  sample.pgbouncer_clients = clients;
  sample.pgbouncer_servers = servers;
  return sample;
}

void ConnectionObserver::run(std::stop_token stop) {
  for (auto next = Clock::now(); !stop.stop_requested(); next += every_) {
    Sample sample = take();
    sample.at = Clock::now() - start_;
    {
      std::lock_guard lock(mutex_);
      samples_.push_back(sample);
    }
    while (Clock::now() < next + every_ && !stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ConnectionObserver::finish(std::vector<FaultEvent>& events, Duration run_end) {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  std::lock_guard lock(mutex_);
  for (size_t e = 0; e < events.size(); ++e) {
    const Duration from = events[e].started_at;
    const Duration to = fault_window_end(events, e, run_end);
    std::vector<int64_t> before[3], window[3];
    for (const auto& s : samples_) {
      auto* into = s.at < from ? before : s.at <= to ? window : nullptr;
      if (!into) continue;
      into[0].push_back(s.postgres_backends);
      into[1].push_back(s.pgbouncer_clients);
      into[2].push_back(s.pgbouncer_servers);
    }
    events[e].postgres_backends = counts_in(before[0], window[0]);
    events[e].pgbouncer_clients = counts_in(before[1], window[1]);
    events[e].pgbouncer_servers = counts_in(before[2], window[2]);
  }
}

}  // namespace loadgate
