// The testbed's pgbouncers: transaction pooling as the seeds configure it (default_pool_size
// 25, max_client_conn 1000), admin console on, each in front of the endpoint proxy.
#pragma once

#include <string>

#include "testbed/postgres_cluster.h"

namespace loadgate::testbed {

struct PgbouncerSettings {
  std::string name;  // "pgbouncer-1"
  uint16_t listen_port = 0;
  uint16_t upstream_port = 0;  // the endpoint proxy
  std::string database;
  std::string db_user;
  std::string admin_user;
};

// Writes the ini and auth file (secrets only there, readable by the run-as account alone)
// and starts pgbouncer. Passwords are plain in the auth file so pgbouncer can do SCRAM both
// towards clients and towards Postgres.
ProcessRecord start_pgbouncer(const ClusterLayout& layout, const PgbouncerSettings& settings,
                              const std::string& db_password, const std::string& admin_password);

// Starts pgbouncer `name` of the testbed in `state` again, from the configuration `up` wrote (a
// restart after a fault stopped it), and records its new pid in the state file. Throws
// std::runtime_error naming it when it does not come back.
ProcessRecord relaunch_pgbouncer(TestbedState& state, const std::string& name);

// What the testbed's pgbouncer binary says of itself ("PgBouncer 1.18.0"): its signals changed
// meaning in 1.23. "" when it cannot be run.
std::string pgbouncer_version();

}  // namespace loadgate::testbed
