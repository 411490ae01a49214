#include "testbed/testbed_health.h"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/process.h"

namespace loadgate::testbed {
namespace {

// The application role may read what these checks need: pg_is_in_recovery, and the rows of
// pg_stat_replication (not their state, which needs pg_read_all_stats; a connected walsender
// is enough here). No superuser password is involved.
std::string conninfo(const TestbedState& state, const ProcessRecord& postgres) {
  return fmt::format("host={} port={} dbname={} user={} password='{}' connect_timeout=5",
                     postgres.host, postgres.port, state.database, state.db_user,
                     read_secret(state.db_password_file));
}

}  // namespace

std::vector<std::string> health_problems(const TestbedState& state) {
  std::vector<std::string> problems;
  for (const auto& p : state.processes) {
    if (!process_alive(p.pid, p.start_ticks))
      problems.push_back(fmt::format("{} is down (pid {})", p.name, p.pid));
    else if (process_stopped(p.pid))
      problems.push_back(fmt::format("{} is frozen (pid {}, SIGSTOP)", p.name, p.pid));
    else if (!port_open(p.host, p.port))
      problems.push_back(fmt::format("{} does not listen on {}:{}", p.name, p.host, p.port));
  }
  if (!problems.empty()) return problems;
  const ProcessRecord* primary = state.find("postgres-primary");
  const ProcessRecord* standby = state.find("postgres-standby");
  try {
    if (primary) {
      pqxx::connection connection(conninfo(state, *primary));
      pqxx::nontransaction tx(connection);
      if (tx.exec1("SELECT pg_is_in_recovery()")[0].as<bool>())
        problems.push_back("postgres-primary is in recovery: it does not take writes");
      else if (standby && tx.exec1("SELECT count(*) FROM pg_stat_replication")[0].as<int>() == 0)
        problems.push_back("no standby replicates from postgres-primary");
    }
    if (standby) {
      pqxx::connection connection(conninfo(state, *standby));
      pqxx::nontransaction tx(connection);
      if (!tx.exec1("SELECT pg_is_in_recovery()")[0].as<bool>())
        problems.push_back("postgres-standby is not in recovery: two primaries");
    }
  } catch (const std::exception& e) {
    problems.push_back(fmt::format("cannot check the database: {}", e.what()));
  }
  return problems;
}

}  // namespace loadgate::testbed
