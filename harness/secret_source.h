// Secrets named by a scenario: `<prefix>_env: NAME` (an environment variable) or
// `<prefix>_file: PATH` (secret_env, password_file, ...), falling back to a testbed's secret
// file. The value is returned, never logged; errors name the setting and the variable or file,
// not the secret.
#pragma once

#include <string>

#include "harness/config_node.h"

namespace loadgate {

std::string read_secret_setting(const ConfigNode& node, const std::string& prefix,
                                const std::string& testbed_file, const std::string& what);

// A database password: the same when the scenario names one, else empty, and libpq finds its
// own as psql does (PGPASSWORD, ~/.pgpass or PGPASSFILE, a PGSERVICE file, or none for trust).
std::string read_database_password(const ConfigNode& node, const std::string& what);

// The connection string a scenario writes at `node`. One with a password in it is refused at its
// line: the scenario file, its copies in results and every report naming the DSN would hold it.
std::string written_dsn(const ConfigNode& node);

}  // namespace loadgate
