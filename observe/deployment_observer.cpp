#include "observe/deployment_observer.h"

#include <unistd.h>

#include <memory>
#include <optional>

#include <fmt/format.h>

#include "harness/libpq_connection.h"
#include "harness/libpq_text.h"
#include "harness/process.h"
#include "harness/secret_source.h"

namespace loadgate {
namespace {

PgConnection connect(const ObservedDeployment::Server& server) {
  return connect_libpq(server.dsn, server.password, 2);
}

// The rows of each statement (each with at most one text parameter) on one connection: nothing
// at all when the server cannot be reached, nothing for a statement it refuses (a fault may have
// stopped it: that sample just goes without).
std::vector<std::optional<PgResult>> query(const ObservedDeployment::Server& server,
                                           const std::vector<std::string>& statements,
                                           const std::string* parameter = nullptr) {
  std::vector<std::optional<PgResult>> results;
  PgConnection connection = connect(server);
  if (PQstatus(connection.get()) != CONNECTION_OK) return results;
  const char* values[] = {parameter ? parameter->c_str() : nullptr};
  for (const auto& sql : statements) {
    const bool with_parameter = parameter && sql.find("$1") != std::string::npos;
    PgResult result(with_parameter ? PQexecParams(connection.get(), sql.c_str(), 1, nullptr, values,
                                                  nullptr, nullptr, 0)
                                   : PQexec(connection.get(), sql.c_str()),
                    PQclear);
    if (result && PQresultStatus(result.get()) == PGRES_TUPLES_OK)
      results.emplace_back(std::move(result));
    else
      results.emplace_back(std::nullopt);
  }
  return results;
}

// The rows of the application database in a pgbouncer SHOW result: a column's sum, or its
// largest value. Empty when the column is missing (another pgbouncer version).
std::optional<double> column_of(const PGresult* result, const char* column,
                                const std::string& database, bool largest) {
  const int c = PQfnumber(result, column);
  const int d = PQfnumber(result, "database");
  if (c < 0 || d < 0) return std::nullopt;
  double total = 0;
  for (int row = 0; row < PQntuples(result); ++row)
    if (database == PQgetvalue(result, row, d)) {
      const double value = std::stod(PQgetvalue(result, row, c));
      total = largest ? std::max(total, value) : total + value;
    }
  return total;
}

// Sums counts over the fleet; keeps the worst of times.
void add_gauge(std::map<std::string, double>& gauges, const std::string& name,
               std::optional<double> value, bool largest) {
  if (!value) return;
  auto [it, inserted] = gauges.emplace(name, *value);
  if (!inserted) it->second = largest ? std::max(it->second, *value) : it->second + *value;
}

// One round trip: the application database's client backends by state (not this one), the
// connection limit, and streaming replicas with their worst replay lag.
constexpr const char* kPostgresGauges =
    "SELECT count(*), count(*) FILTER (WHERE state = 'active'), "
    "count(*) FILTER (WHERE state = 'idle'), "
    "count(*) FILTER (WHERE state LIKE 'idle in transaction%'), "
    "current_setting('max_connections')::int, "
    "(SELECT count(*) FROM pg_stat_replication), "
    "(SELECT COALESCE(max(EXTRACT(EPOCH FROM replay_lag)), 0) FROM pg_stat_replication) "
    "FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' "
    "AND pid <> pg_backend_pid()";

constexpr const char* kBackendsByApplication =
    "SELECT COALESCE(NULLIF(application_name, ''), '(none)'), count(*) FROM pg_stat_activity "
    "WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
    "GROUP BY 1";

}  // namespace

ObservedDeployment observed_testbed(const testbed::TestbedState& state) {
  ObservedDeployment deployment;
  deployment.database = state.database;
  const std::string admin_password = testbed::read_secret(state.admin_password_file);
  // As the superuser over the testbed's socket: pg_stat_replication shows lag only to a monitor.
  deployment.postgres = [dir = state.dir,
                         database = state.database]() -> std::optional<ObservedDeployment::Server> {
    const auto now = testbed::read_state(dir);
    const auto* primary = now ? now->find("postgres-primary") : nullptr;
    if (!primary) return std::nullopt;
    return ObservedDeployment::Server{fmt::format("host={} port={} dbname={} user=postgres",
                                                  (dir / "run").string(), primary->port, database),
                                      ""};
  };
  for (const auto* p : state.with_role("pgbouncer"))
    deployment.pgbouncers.push_back({state.admin_console_dsn(*p), admin_password});
  deployment.nodes = [dir = state.dir, database = state.database] {
    std::vector<ObservedDeployment::Server> nodes;
    if (const auto now = testbed::read_state(dir))
      for (const auto* node : now->with_role("postgres"))
        nodes.push_back({fmt::format("host={} port={} dbname={} user=postgres",
                                     (dir / "run").string(), node->port, database),
                         ""});
    return nodes;
  };
  // Read again at each sample: a failover or a restart starts processes anew.
  deployment.processes = [dir = state.dir] {
    std::vector<ProcessSampler::Root> roots{{"generator", getpid()}};
    if (const auto now = testbed::read_state(dir))
      for (const auto& p : now->processes)
        if (p.pid > 0 && process_alive(p.pid, p.start_ticks)) roots.push_back({p.role, p.pid});
    return roots;
  };
  return deployment;
}

ObservedDeployment observed_deployment(const ConfigNode& observe,
                                       const std::filesystem::path& out) {
  observe.allow_only({"database", "postgres", "pgbouncer", "every", "commands"});
  ObservedDeployment deployment;
  if (auto commands = observe.find("commands")) {
    deployment.commands = read_gauge_commands(*commands);
    deployment.command_logs = out / "observe";
  }
  if (observe.has("postgres") || observe.has("pgbouncer"))
    deployment.database = observe.at("database").as_string();
  if (auto every = observe.find("every")) {
    deployment.every = every->as_duration();
    if (deployment.every < std::chrono::milliseconds(100))
      every->fail("sample at most every 100ms: each sample opens a connection per server");
  }
  if (auto postgres = observe.find("postgres")) {
    postgres->allow_only({"dsn", "replica_dsns", "password_env", "password_file"});
    const std::string password =
        read_database_password(*postgres, "the observer's database password");
    ObservedDeployment::Server server{written_dsn(postgres->at("dsn")), password};
    deployment.postgres = [server] { return std::optional(server); };
    if (auto replicas = postgres->find("replica_dsns"))
      for (const auto& dsn : replicas->as_list())
        deployment.replicas.push_back({written_dsn(dsn), password});
    std::vector<ObservedDeployment::Server> nodes{server};
    nodes.insert(nodes.end(), deployment.replicas.begin(), deployment.replicas.end());
    deployment.nodes = [nodes] { return nodes; };
  }
  if (auto pgbouncer = observe.find("pgbouncer")) {
    pgbouncer->allow_only({"admin_dsn", "password_env", "password_file"});
    const std::string password =
        read_database_password(*pgbouncer, "the pgbouncer console password");
    for (const auto& dsn : pgbouncer->at("admin_dsn").as_list())
      deployment.pgbouncers.push_back({written_dsn(dsn), password});
  }
  if (!deployment.watches_servers() && deployment.commands.empty())
    observe.fail(
        "give postgres: {dsn: ...}, pgbouncer: {admin_dsn: [...]}, commands: [...], or several");
  deployment.processes = [] { return std::vector<ProcessSampler::Root>{{"generator", getpid()}}; };
  return deployment;
}

void check_observable(const ObservedDeployment& deployment) {
  std::vector<ObservedDeployment::Server> servers = deployment.pgbouncers;
  if (deployment.postgres)
    if (auto primary = deployment.postgres()) servers.push_back(*primary);
  // Replicas the scenario named (a testbed's own nodes may be down on purpose: its health check
  // speaks of them at the end).
  servers.insert(servers.end(), deployment.replicas.begin(), deployment.replicas.end());
  // The operator's commands are tried once: a typo or missing credentials fail now, not as a
  // run's worth of gaps.
  for (const auto& command : deployment.commands)
    if (const auto reading = read_gauge(command, deployment.command_logs); !reading.value)
      throw std::runtime_error(
          fmt::format("observe: {} (`{}`): {}", command.gauge, command.run, reading.problem));
  for (const auto& server : servers) {
    PgConnection connection = connect(server);
    if (PQstatus(connection.get()) != CONNECTION_OK)
      throw std::runtime_error(fmt::format("observe: cannot connect to {}: {}",
                                           describe_dsn(server.dsn),
                                           single_line(PQerrorMessage(connection.get()))));
  }
}

const std::vector<std::string>& observed_gauge_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = {"db.backend_connections",
                                    "db.active",
                                    "db.idle",
                                    "db.idle_in_transaction",
                                    "db.max_connections",
                                    "db.replicas",
                                    "db.replica_lag",
                                    "db.primaries",
                                    "db.standbys",
                                    "pgbouncer.cl_active",
                                    "pgbouncer.cl_waiting",
                                    "pgbouncer.sv_active",
                                    "pgbouncer.sv_idle",
                                    "pgbouncer.sv_used",
                                    "pgbouncer.maxwait",
                                    "pgbouncer.avg_query_time",
                                    "pgbouncer.avg_xact_time",
                                    "pgbouncer.avg_wait_time",
                                    "pgbouncer.client_connections",
                                    "pgbouncer.server_connections"};
    for (const char* role : {"service", "pgbouncer", "postgres", "proxy", "generator"})
      for (const char* what : {"cpu", "rss", "cpu_total", "rss_total"})
        all.push_back(fmt::format("process.{}.{}", role, what));
    return all;
  }();
  return names;
}

const std::vector<std::string>& observed_gauge_families() {
  static const std::vector<std::string> families = {"db.application."};
  return families;
}

DeploymentObserver::DeploymentObserver(ObservedDeployment deployment,
                                       std::function<void(ObservedSample)> on_sample)
    : deployment_(std::move(deployment)),
      on_sample_(std::move(on_sample)),
      commands_(deployment_.commands, deployment_.command_logs) {}

DeploymentObserver::~DeploymentObserver() = default;

void DeploymentObserver::start(Clock::time_point start) {
  start_ = start;
  try {
    processes_.sample(deployment_.processes());  // the baseline CPU counts
  } catch (const std::exception&) {
    // The first sample then has no CPU share; the others do.
  }
  commands_.start();
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

DeploymentObserver::Gaps DeploymentObserver::gaps() const {
  Gaps gaps = gaps_;
  const auto commands = commands_.gaps();
  if (gaps.count == 0) gaps.first_reason = commands.first_reason;
  gaps.count += commands.count;
  return gaps;
}

std::map<std::string, double> DeploymentObserver::take() {
  std::map<std::string, double> gauges = processes_.sample(deployment_.processes());
  gauges.merge(commands_.take());
  const std::string& database = deployment_.database;
  if (deployment_.postgres)
    if (auto primary = deployment_.postgres()) {
      auto rows = query(*primary, {kPostgresGauges, kBackendsByApplication}, &database);
      if (!rows.empty() && rows[0]) {
        const PGresult* r = rows[0]->get();
        const char* names[] = {"db.backend_connections", "db.active",          "db.idle",
                               "db.idle_in_transaction", "db.max_connections", "db.replicas",
                               "db.replica_lag"};
        for (int column = 0; column < 7; ++column)
          gauges[names[column]] = std::stod(PQgetvalue(r, 0, column));
      }
      if (rows.size() > 1 && rows[1])
        for (int row = 0; row < PQntuples(rows[1]->get()); ++row)
          gauges[std::string("db.application.") + PQgetvalue(rows[1]->get(), row, 0)] =
              std::stod(PQgetvalue(rows[1]->get(), row, 1));
    }
  // Every node's role: two that take writes at once is a split brain.
  if (deployment_.nodes) {
    double primaries = 0, standbys = 0;
    bool any = false;
    for (const auto& node : deployment_.nodes()) {
      auto rows = query(node, {"SELECT pg_is_in_recovery()"});
      if (rows.empty() || !rows[0]) continue;
      any = true;
      (PQgetvalue(rows[0]->get(), 0, 0)[0] == 't' ? standbys : primaries) += 1;
    }
    if (any) {
      gauges["db.primaries"] = primaries;
      gauges["db.standbys"] = standbys;
    }
  }
  // A pgbouncer that is down holds no connections: it adds nothing to the sums.
  bool any = false;
  for (const auto& console : deployment_.pgbouncers) {
    auto rows = query(console, {"SHOW POOLS", "SHOW STATS"});
    if (!rows.empty() && rows[0]) {
      any = true;
      const PGresult* r = rows[0]->get();
      for (const char* column : {"cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used"})
        add_gauge(gauges, std::string("pgbouncer.") + column, column_of(r, column, database, false),
                  false);
      // maxwait is whole seconds, maxwait_us the rest.
      const auto wait = column_of(r, "maxwait", database, true);
      const auto wait_us = column_of(r, "maxwait_us", database, true);
      if (wait) add_gauge(gauges, "pgbouncer.maxwait", *wait + wait_us.value_or(0) / 1e6, true);
    }
    if (rows.size() > 1 && rows[1]) {
      const PGresult* r = rows[1]->get();
      for (const char* column : {"avg_query_time", "avg_xact_time", "avg_wait_time"})
        if (auto micros = column_of(r, column, database, true))
          add_gauge(gauges, std::string("pgbouncer.") + column, *micros / 1e6, true);
    }
  }
  if (any) {
    gauges["pgbouncer.client_connections"] =
        gauges["pgbouncer.cl_active"] + gauges["pgbouncer.cl_waiting"];
    gauges["pgbouncer.server_connections"] =
        gauges["pgbouncer.sv_active"] + gauges["pgbouncer.sv_idle"] + gauges["pgbouncer.sv_used"];
  } else if (!deployment_.pgbouncers.empty()) {
    // None answered: the fleet holds no connections (it is down), as far as clients can tell.
    gauges["pgbouncer.client_connections"] = 0;
    gauges["pgbouncer.server_connections"] = 0;
  }
  return gauges;
}

void DeploymentObserver::run(std::stop_token stop) {
  const Duration every = deployment_.every;
  for (auto next = Clock::now(); !stop.stop_requested(); next += every) {
    try {
      ObservedSample sample{{}, take()};
      sample.at = Clock::now() - start_;
      if (on_sample_) on_sample_(std::move(sample));
    } catch (const std::exception& e) {
      // An observer that fails must not end the run (this thread throwing would): a gap.
      if (gaps_.count++ == 0) gaps_.first_reason = e.what();
    }
    while (Clock::now() < next + every && !stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void DeploymentObserver::stop() {
  commands_.stop();
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace loadgate
