// Where a workload's SQL goes: one or more libpq connection strings (key=value or postgresql://
// URI) and the password, kept apart so a DSN can be shown in errors and the password never.
//
//   dsn: "host=db.internal port=6432 dbname=app user=app"   # or a list, or
//   dsn_env: DATABASE_URL                                   # from the environment
//   password_env: PGPASSWORD_APP                            # or password_file: PATH
// With a testbed target, the default is the testbed's pgbouncers and password file;
//   via: endpoint                                           # the endpoint proxy instead (the
//                                                           # RDS DNS name, no pgbouncer)
#pragma once

#include <string>
#include <vector>

#include "harness/config_node.h"
#include "harness/libpq_text.h"
#include "workloads/workload_context.h"

namespace loadgate {

struct DbTarget {
  std::vector<std::string> dsns;  // without the password
  std::string password;           // empty: libpq's own sources (PGPASSWORD, ~/.pgpass)

  // The full connection string for dsns[index], with the password and `extra` libpq keywords
  // (e.g. connect_timeout, application_name) added.
  std::string conninfo(size_t index,
                       const std::vector<std::pair<std::string, std::string>>& extra = {}) const;
};

// Reads dsn / dsn_env / password_env / password_file from `node`.
DbTarget read_db_target(const ConfigNode& node, const WorkloadContext& context);

}  // namespace loadgate
