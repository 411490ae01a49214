// The testbed's Postgres pair: a primary and a streaming hot standby, synchronous by default
// as RDS Multi-AZ is, each an ordinary `postgres` process on a loopback port.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

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

// Waits until the standby streams; with `synchronous`, makes it the synchronous standby first.
void enable_replication(const ClusterLayout& layout, const ProcessRecord& primary,
                        bool synchronous);

}  // namespace loadgate::testbed
