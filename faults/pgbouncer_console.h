// kind: pgbouncer-restart through pgbouncer's admin console (libpqxx to its `pgbouncer`
// database), for the testbed's pgbouncers or a remote one:
//
//   - {kind: pgbouncer-restart, at: 10s, mode: pause, recover_after: 2s, which: all}
//   - {kind: pgbouncer-restart, at: 10s, mode: kill-database,
//      admin_dsn: "host=pgb.internal port=6432 dbname=pgbouncer user=pgbouncer_admin",
//      password_env: PGBOUNCER_ADMIN_PASSWORD, database: app}
//
// mode: pause (PAUSE: clients wait while pgbouncer drops its server connections; RESUME
//       recovers), reconnect (RECONNECT: server connections are replaced as they come free;
//       nothing to recover), kill-database (KILL: every client and server connection of the
//       database is dropped at once; RESUME recovers).
// which: the testbed's pgbouncers, as for the signal modes; or admin_dsn (one or a list) with
//        password_env / password_file for a real deployment. database: default the testbed's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "faults/fault.h"
#include "harness/libpq_connection.h"
#include "harness/scenario.h"

namespace loadgate {

// One admin console command (libpq: libpqxx 6 refuses a console, which reports pgbouncer's own
// version): its rows; throws FaultError naming the console by `name` and libpq's reason.
PgResult console_command(const std::string& name, const std::string& dsn,
                         const std::string& password, const std::string& command);
// SHOW VERSION of the pgbouncer at `dsn` ("PgBouncer 1.18.0"); empty when it does not answer.
std::string console_version(const std::string& dsn, const std::string& password);

class PgbouncerConsole : public Fault {
 public:
  // Reads and checks the fault's keys; throws ConfigError naming the line.
  PgbouncerConsole(const FaultSpec& spec, const std::optional<std::filesystem::path>& testbed_dir);

  std::string describe() const override;
  std::string driver() const override { return "pgbouncer-console"; }
  std::vector<std::string> hosts() const override;
  // Every console may be paused: each gets a RESUME ("not paused" is fine).
  void assume_injected() override;
  void inject() override;
  void recover() override;

 private:
  struct Console {
    std::string name;       // "pgbouncer-1", or the DSN described without its password
    std::string dsn;        // key=value or URI, without the password
    std::string password;   // passed apart, so no syntax can mangle it or show it
    bool injected = false;  // a command went to it: recovery must RESUME it
  };
  void send(Console& console, const std::string& command);

  std::string mode_;
  std::string database_;
  std::vector<Console> consoles_;
};

}  // namespace loadgate
