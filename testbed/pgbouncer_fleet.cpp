#include "testbed/pgbouncer_fleet.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "testbed/launch.h"

namespace loadgate::testbed {
namespace fs = std::filesystem;
namespace {

std::string program() {
  // Debian installs pgbouncer in /usr/sbin, which an unprivileged PATH often lacks.
  return fs::exists("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer";
}

ProcessRecord launch(const ProcessRecord& record, const fs::path& ini,
                     const std::optional<RunAs>& run_as) {
  ProcessSpec spec{{program(), ini.string()}, record.log_file, run_as, {}};
  return start_and_wait(record, spec, std::chrono::seconds(20));
}

}  // namespace

ProcessRecord start_pgbouncer(const ClusterLayout& layout, const PgbouncerSettings& settings,
                              const std::string& db_password, const std::string& admin_password) {
  const fs::path home = layout.dir / settings.name;
  fs::create_directories(home);
  if (layout.run_as) chown(home.c_str(), layout.run_as->uid, layout.run_as->gid);

  const fs::path auth_file = home / "userlist.txt";
  write_private_file(auth_file,
                     fmt::format("\"{}\" \"{}\"\n\"{}\" \"{}\"\n", settings.db_user, db_password,
                                 settings.admin_user, admin_password),
                     layout.run_as);

  // server_login_retry keeps pgbouncer's real default (15 s) on purpose: it is part of the
  // downtime a failover behind pgbouncer really causes, and reports should show it.
  // server_idle_timeout is 10 s instead of 600 s: the wake fault's idle clock starts only when
  // pgbouncer has let go of its server connections, and a scenario cannot wait ten minutes.
  const fs::path ini = home / "pgbouncer.ini";
  write_private_file(
      ini,
      fmt::format("[databases]\n"
                  "{db} = host=127.0.0.1 port={upstream} dbname={db}\n"
                  "\n[pgbouncer]\n"
                  "listen_addr = 127.0.0.1\n"
                  "listen_port = {port}\n"
                  "unix_socket_dir = {sockets}\n"
                  "auth_type = scram-sha-256\n"
                  "auth_file = {auth}\n"
                  "admin_users = {admin}\n"
                  "stats_users = {admin}\n"
                  "pool_mode = transaction\n"
                  "default_pool_size = {pool_size}\n"
                  "max_client_conn = {max_client_conn}\n"
                  "server_idle_timeout = 10\n"
                  "ignore_startup_parameters = extra_float_digits\n"
                  "pidfile = {home}/pgbouncer.pid\n",
                  fmt::arg("pool_size", kPgbouncerDefaultPoolSize),
                  fmt::arg("max_client_conn", kPgbouncerMaxClientConn),
                  fmt::arg("db", settings.database), fmt::arg("upstream", settings.upstream_port),
                  fmt::arg("port", settings.listen_port), fmt::arg("sockets", layout.socket_dir()),
                  fmt::arg("auth", auth_file.string()), fmt::arg("admin", settings.admin_user),
                  fmt::arg("home", home.string())),
      layout.run_as);

  ProcessRecord record;
  record.name = settings.name;
  record.role = "pgbouncer";
  record.port = settings.listen_port;
  record.log_file = (layout.logs() / (settings.name + ".log")).string();
  return launch(record, ini, layout.run_as);
}

ProcessRecord relaunch_pgbouncer(TestbedState& state, const std::string& name) {
  auto it = std::find_if(state.processes.begin(), state.processes.end(),
                         [&](const ProcessRecord& p) { return p.name == name; });
  if (it == state.processes.end() || it->role != "pgbouncer")
    throw std::runtime_error(fmt::format("the testbed has no pgbouncer named {}", name));
  std::optional<RunAs> run_as;
  if (getuid() == 0) run_as = lookup_user(state.run_as);
  ProcessRecord record = *it;
  // A killed pgbouncer leaves its pidfile, and refuses to start while the pid in it exists; a
  // zombie not yet reaped (a container's init may be slow to) still does. Ours is gone.
  if (process_alive(record.pid, record.start_ticks))
    throw std::runtime_error(fmt::format("{} is still running (pid {})", name, record.pid));
  fs::remove(state.dir / name / "pgbouncer.pid");
  *it = launch(record, state.dir / name / "pgbouncer.ini", run_as);
  write_state(state);
  return *it;
}

std::string pgbouncer_version() {
  const fs::path log =
      fs::temp_directory_path() / fmt::format("loadgate-pgbouncer-version-{}", getpid());
  std::string first;
  try {
    if (run_to_completion({{program(), "--version"}, log, std::nullopt, {}},
                          std::chrono::seconds(5)) == 0) {
      std::ifstream in(log);
      std::getline(in, first);
    }
  } catch (const std::exception&) {
    // not installed: ""
  }
  std::error_code ignored;
  fs::remove(log, ignored);
  return first;
}

}  // namespace loadgate::testbed
