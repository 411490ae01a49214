// `loadgate testbed up|status|down`: the local reference deployment that mirrors the seed
// documents' topology on loopback (Postgres primary + hot standby, two pgbouncers in
// transaction mode behind an endpoint proxy standing for the RDS DNS name, N reference service
// instances).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace loadgate::testbed {

struct UpOptions {
  std::filesystem::path dir;
  int instances = 2;
  int bcrypt_cost = 12;
  int users = 1000;
  int items = 1000;
  bool synchronous = true;          // RDS Multi-AZ commits on both nodes; --async selects async
  int service_threads = 2;          // HTTP threads per service instance
  int service_pool_size = 25;       // DB connections per service instance (DB_POOL_MAX)
  size_t service_leak = 0;          // bytes each request keeps: a planted leak (0: none)
  std::string run_as = "postgres";  // the account Postgres and pgbouncer run as under root
  std::filesystem::path bin_dir;    // where loadgate-service and loadgate-proxy are
};

// Starts the testbed, or does nothing when the one in `options.dir` is already healthy. A
// testbed left half-up is taken down first. On failure everything started is stopped again and
// the error (with the failing server's log tail) is thrown. Progress goes to `log`.
void up(const UpOptions& options, std::ostream& log);

// Stops every process of the testbed in `dir` and removes its data (logs are kept). Returns
// false when a process or port outlived the attempt; that is said on `log`.
bool down(const std::filesystem::path& dir, std::ostream& log);

// Prints the state (JSON with liveness, or a table). Returns 0 when every process is up and
// listening, 1 when some are not, 3 when there is no testbed in `dir`.
int status(const std::filesystem::path& dir, bool as_json, std::ostream& out);

}  // namespace loadgate::testbed
