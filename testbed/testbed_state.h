// The testbed's state file (DIR/state.json): what `testbed up` started and where, read by
// `status`, `down`, `loadgate run` (to find the service URLs and secrets) and, later, by the
// fault drivers. Secrets are never in it: it names the files that hold them.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadgate::testbed {

// One process the testbed started.
struct ProcessRecord {
  std::string name;  // "postgres-primary", "pgbouncer-1", "endpoint-proxy", "service-1", ...
  std::string role;  // postgres | pgbouncer | proxy | service
  pid_t pid = 0;
  uint64_t start_ticks = 0;  // with the pid, names this process for good (see process.h)
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string log_file;
  std::string data_dir;       // postgres only
  uint16_t control_port = 0;  // proxies only: their control channel (proxy_control.h)
};

struct SeededUsers {
  int count = 0;
  std::string name_pattern;      // "user{n}", n from 1 to count
  std::string password_pattern;  // "password{n % 8}"
  int distinct_passwords = 8;
  int bcrypt_cost = 12;
};

// The testbed's sizing, as the seed documents size production (000: pgbouncer
// default_pool_size 25, max_client_conn 1000, RDS max_connections 200).
inline constexpr int kPgbouncerDefaultPoolSize = 25;
inline constexpr int kPgbouncerMaxClientConn = 1000;
inline constexpr int kPostgresMaxConnections = 200;

struct TestbedState {
  int version = 1;
  std::filesystem::path dir;
  std::string run_as;  // the account Postgres and pgbouncer run as
  bool synchronous_replication = true;
  std::string database = "app";
  std::string db_user = "app";
  std::string db_password_file;               // secrets/db_password
  std::string admin_user = "loadgate_admin";  // pgbouncer admin console user
  std::string admin_password_file;
  std::string jwt_secret_file;  // secrets/jwt_secret (HS256)
  // PEM key pairs for RS256 and ES256 tokens (the service trusts the public halves).
  std::string jwt_rs256_private_key_file, jwt_rs256_public_key_file;
  std::string jwt_es256_private_key_file, jwt_es256_public_key_file;
  SeededUsers users;
  int items = 0;               // items seeded with ids 1..items
  int service_pool_size = 25;  // each service instance's DB pool (DB_POOL_MAX)
  std::vector<ProcessRecord> processes;

  const ProcessRecord* find(const std::string& name) const;
  std::vector<const ProcessRecord*> with_role(const std::string& role) const;
  std::vector<std::string> service_urls() const;
  // The admin console of one of its pgbouncers, as a DSN without the password
  // (admin_password_file holds it).
  std::string admin_console_dsn(const ProcessRecord& pgbouncer) const;
  // Its numbers for model claims: pgbouncer_instances, default_pool_size, max_client_conn,
  // max_connections, service_pool_size (service_instances is the deployment's instance count).
  std::map<std::string, double> topology() const;
};

std::filesystem::path state_file(const std::filesystem::path& dir);
// nullopt when the directory holds no testbed; throws when the file is unreadable or corrupt.
std::optional<TestbedState> read_state(const std::filesystem::path& dir);
void write_state(const TestbedState& state);
std::string state_to_json(const TestbedState& state, bool with_liveness);

// The directory `testbed up` uses when none is given: $LOADGATE_TESTBED_DIR, else
// /var/tmp/loadgate-testbed-<uid> (outside /root, so the postgres account can traverse it).
std::filesystem::path default_dir();
// "default" or empty means default_dir(); anything else is taken as a path.
std::filesystem::path resolve_dir(const std::string& name);

std::string read_secret(const std::filesystem::path& file);  // its first line
std::string read_pem(const std::filesystem::path& file);     // the whole file

}  // namespace loadgate::testbed
