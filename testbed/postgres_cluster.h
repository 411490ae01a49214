// The testbed's Postgres pair: a primary and a streaming hot standby, synchronous by default
// as RDS Multi-AZ is, each an ordinary `postgres` process on a loopback port.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "harness/process.h"
#include "testbed/testbed_state.h"

namespace loadgate::testbed {

struct ClusterLayout {
  std::filesystem::path dir;      // testbed directory
  std::filesystem::path bin_dir;  // initdb, postgres, pg_basebackup
  std::optional<RunAs> run_as;    // when started as root
  std::string socket_dir() const { return (dir / "run").string(); }
  std::filesystem::path logs() const { return dir / "logs"; }
  std::filesystem::path passfile() const { return dir / "replication.pgpass"; }
};

// The layout of the testbed in `state` (its Postgres binaries, the account servers run as).
ClusterLayout layout_of(const TestbedState& state);

// Where Postgres's server programs live: $LOADGATE_PG_BINDIR, else the newest
// /usr/lib/postgresql/*/bin (Debian keeps them off PATH).
std::filesystem::path find_postgres_bindir();

// initdb + configuration + start. Returns the running primary.
ProcessRecord start_primary(const ClusterLayout& layout, uint16_t port);

// Creates the application role and database, the users and items tables, and seeds them.
// Also creates the `replicator` role the standby streams as.
void create_schema_and_seed(const ClusterLayout& layout, const ProcessRecord& primary,
                            const TestbedState& state, const std::string& db_password,
                            const std::string& replication_password);

// pg_basebackup from the primary + start as a hot standby named "standby1".
ProcessRecord start_standby(const ClusterLayout& layout, const ProcessRecord& primary,
                            uint16_t port);

// Makes `data` (a copy of the primary's data directory) a standby of `primary` on `port`.
void configure_as_standby(const ClusterLayout& layout, const std::filesystem::path& data,
                          uint16_t port, const ProcessRecord& primary);

// Starts `postgres -D data_dir` on `port` as the testbed's server named `name`; returns once
// the port is open. It logs to `log_file`, by default logs/<name>.log (a node keeps its first
// log file across failovers, so one file tells one node's story). Throws with the log's tail
// when it does not start.
ProcessRecord start_postgres(const ClusterLayout& layout, const std::string& name,
                             const std::filesystem::path& data_dir, uint16_t port,
                             const std::string& log_file = "");

// A superuser connection over the server's socket, retried while the server starts (up to 60 s).
std::unique_ptr<pqxx::connection> connect_as_superuser(const ClusterLayout& layout,
                                                       const ProcessRecord& node,
                                                       const std::string& dbname = "postgres");

// Runs a Postgres tool (pg_rewind, pg_basebackup) as the servers' account, its output in
// logs/`log`; throws with the log's tail when it fails.
void run_postgres_tool(const ClusterLayout& layout, std::vector<std::string> argv,
                       const std::string& log);

// Waits until the standby streams; with `synchronous`, makes it the synchronous standby first.
void enable_replication(const ClusterLayout& layout, const ProcessRecord& primary,
                        bool synchronous);

}  // namespace loadgate::testbed
