// Plain libpq connections for what is not a workload: the deployment observer, steady-state
// probes, pgbouncer's admin console (libpqxx 6 refuses the console: pgbouncer reports its own
// version, "Unsupported server version").
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace loadgate {

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Connects as psql would: the DSN's own keys apply (host, port, user, service, ...), the password
// is given apart so the DSN can be shown (empty: libpq finds its own, PGPASSWORD, ~/.pgpass or
// none for trust). libpq counts `connect_timeout_s` per host and takes no less than 2.
PgConnection connect_libpq(const std::string& dsn, const std::string& password,
                           int connect_timeout_s);

}  // namespace loadgate
