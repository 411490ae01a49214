#include "faults/connection_observer.h"

#include <libpq-fe.h>

#include <memory>
#include <optional>

#include <fmt/format.h>

#include "faults/fault_impact.h"
#include "harness/libpq_text.h"
#include "harness/secret_source.h"

namespace loadgate {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Connection connect(const ObservedDeployment::Server& server) {
  const char* keys[] = {"dbname", "password", "connect_timeout", nullptr};
  const char* values[] = {server.dsn.c_str(), server.password.c_str(), "2", nullptr};
  // expand_dbname: the DSN's own keys (host, port, user, ...) apply; the password is added.
  return Connection(PQconnectdbParams(keys, values, 1), PQfinish);
}

// Rows of `sql` (with at most one text parameter), or nothing when the server cannot be reached
// or refuses (a fault may have stopped it: that sample just goes without).
std::optional<Result> query(const ObservedDeployment::Server& server, const std::string& sql,
                            const std::string* parameter = nullptr) {
  Connection connection = connect(server);
  if (PQstatus(connection.get()) != CONNECTION_OK) return std::nullopt;
  const char* values[] = {parameter ? parameter->c_str() : nullptr};
  Result result(parameter ? PQexecParams(connection.get(), sql.c_str(), 1, nullptr, values, nullptr,
                                         nullptr, 0)
                          : PQexec(connection.get(), sql.c_str()),
                PQclear);
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

ObservedDeployment observed_testbed(const testbed::TestbedState& state) {
  ObservedDeployment deployment;
  deployment.database = state.database;
  const std::string db_password = testbed::read_secret(state.db_password_file);
  const std::string admin_password = testbed::read_secret(state.admin_password_file);
  deployment.postgres = [dir = state.dir, database = state.database, user = state.db_user,
                         db_password]() -> std::optional<ObservedDeployment::Server> {
    const auto now = testbed::read_state(dir);
    const auto* primary = now ? now->find("postgres-primary") : nullptr;
    if (!primary) return std::nullopt;
    return ObservedDeployment::Server{fmt::format("host={} port={} dbname={} user={}",
                                                  primary->host, primary->port, database, user),
                                      db_password};
  };
  for (const auto* p : state.with_role("pgbouncer"))
    deployment.pgbouncers.push_back({fmt::format("host={} port={} dbname=pgbouncer user={}",
                                                 p->host, p->port, state.admin_user),
                                     admin_password});
  return deployment;
}

ObservedDeployment observed_deployment(const ConfigNode& observe) {
  observe.allow_only({"database", "postgres", "pgbouncer", "every"});
  ObservedDeployment deployment;
  deployment.database = observe.at("database").as_string();
  if (auto every = observe.find("every")) {
    deployment.every = every->as_duration();
    if (deployment.every < std::chrono::milliseconds(100))
      every->fail("sample at most every 100ms: each sample opens a connection per server");
  }
  if (auto postgres = observe.find("postgres")) {
    postgres->allow_only({"dsn", "password_env", "password_file"});
    ObservedDeployment::Server server{
        postgres->at("dsn").as_string(),
        read_secret_setting(*postgres, "password", "", "the observer's database password")};
    deployment.postgres = [server] { return std::optional(server); };
  }
  if (auto pgbouncer = observe.find("pgbouncer")) {
    pgbouncer->allow_only({"admin_dsn", "password_env", "password_file"});
    const std::string password =
        read_secret_setting(*pgbouncer, "password", "", "the pgbouncer console password");
    for (const auto& dsn : pgbouncer->at("admin_dsn").as_list())
      deployment.pgbouncers.push_back({dsn.as_string(), password});
  }
  if (!deployment.postgres && deployment.pgbouncers.empty())
    observe.fail("give postgres: {dsn: ...}, pgbouncer: {admin_dsn: [...]}, or both");
  return deployment;
}

void check_observable(const ObservedDeployment& deployment) {
  std::vector<ObservedDeployment::Server> servers = deployment.pgbouncers;
  if (deployment.postgres)
    if (auto primary = deployment.postgres()) servers.push_back(*primary);
  for (const auto& server : servers) {
    Connection connection = connect(server);
    if (PQstatus(connection.get()) != CONNECTION_OK)
      throw std::runtime_error(fmt::format("observe: cannot connect to {}: {}",
                                           describe_dsn(server.dsn),
                                           single_line(PQerrorMessage(connection.get()))));
  }
}

ConnectionObserver::ConnectionObserver(ObservedDeployment deployment)
    : deployment_(std::move(deployment)) {}

ConnectionObserver::~ConnectionObserver() = default;

void ConnectionObserver::start(Clock::time_point start) {
  start_ = start;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

ConnectionObserver::Sample ConnectionObserver::take() const {
  Sample sample;
  const std::string& database = deployment_.database;
  if (deployment_.postgres)
    if (auto primary = deployment_.postgres())
      if (auto rows = query(*primary,
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND "
                            "backend_type = 'client backend'",
                            &database))
        sample.postgres_backends = std::stoll(PQgetvalue(rows->get(), 0, 0)) - 1;  // not ours
  // A pgbouncer that is down holds no connections: it adds nothing to the sums.
  int64_t clients = 0, servers = 0;
  for (const auto& console : deployment_.pgbouncers) {
    auto rows = query(console, "SHOW POOLS");
    if (!rows) continue;
    clients += column_sum(rows->get(), "cl_active", database) +
               column_sum(rows->get(), "cl_waiting", database);
    servers += column_sum(rows->get(), "sv_active", database) +
               column_sum(rows->get(), "sv_idle", database) +
               column_sum(rows->get(), "sv_used", database);
  }
  sample.pgbouncer_clients = clients;
  sample.pgbouncer_servers = servers;
  return sample;
}

void ConnectionObserver::run(std::stop_token stop) {
  const Duration every = deployment_.every;
  for (auto next = Clock::now(); !stop.stop_requested(); next += every) {
    Sample sample = take();
    sample.at = Clock::now() - start_;
    {
      std::lock_guard lock(mutex_);
      samples_.push_back(sample);
    }
    while (Clock::now() < next + every && !stop.stop_requested())
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
