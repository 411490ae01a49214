#include "testbed/testbed.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "harness/jwt.h"
#include "harness/process.h"
#include "testbed/launch.h"
#include "testbed/pgbouncer_fleet.h"
#include "testbed/postgres_cluster.h"
#include "testbed/testbed_state.h"

namespace loadgate::testbed {
namespace fs = std::filesystem;

namespace {

std::string random_secret() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string make_secret_file(const fs::path& file) {
  std::string secret = random_secret();
  write_private_file(file, secret + "\n");
  return secret;
}

// Postgres and pgbouncer, running as another account, must traverse every parent of the
// testbed directory; a directory under /root (mode 0700) is the usual trap.
void check_reachable_by(const fs::path& dir, const RunAs& account) {
  for (fs::path p = dir; p != p.root_path(); p = p.parent_path()) {
    struct stat info {};
    if (stat(p.c_str(), &info) != 0) continue;
    bool traversable =
        (info.st_mode & S_IXOTH) || (info.st_uid == account.uid && (info.st_mode & S_IXUSR));
    if (!traversable)
      throw std::runtime_error(fmt::format(
          "the {} account cannot reach {}: {} is mode {:o}; choose a --dir under /var/tmp or /tmp",
          account.name, dir.string(), p.string(), info.st_mode & 07777));
  }
}

// The directory is ours to fill and, at `down`, to empty: refuse one that is a symlink, that
// others may write to (a root testbed in /var/tmp would be an easy target), or that holds
// something other than a testbed.
void prepare_dir(const fs::path& dir, const std::string& run_as) {
  const fs::path marker = dir / ".loadgate-testbed";
  struct stat info {};
  if (lstat(dir.c_str(), &info) != 0) {
    fs::create_directories(dir.parent_path());
    if (mkdir(dir.c_str(), 0755) != 0)
      throw std::runtime_error(
          fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
    write_private_file(marker,
                       "a loadgate testbed: `loadgate testbed down` empties this directory\n");
    return;
  }
  if (!S_ISDIR(info.st_mode))
    throw std::runtime_error(fmt::format("{} is not a directory (a symlink?)", dir.string()));
  const auto server_account = lookup_user(run_as);
  if (info.st_uid != getuid() &&
      !(getuid() == 0 && server_account && info.st_uid == server_account->uid))
    throw std::runtime_error(fmt::format("{} belongs to another user", dir.string()));
  if (info.st_mode & S_IWOTH)
    throw std::runtime_error(
        fmt::format("{} is writable by everyone; choose another --dir", dir.string()));
  // What `down` leaves behind (only logs/) is a testbed directory too, marker or not.
  const bool only_logs =
      std::all_of(fs::directory_iterator(dir), fs::directory_iterator(),
                  [](const fs::directory_entry& e) { return e.path().filename() == "logs"; });
  if (!fs::exists(marker)) {
    if (!only_logs)
      throw std::runtime_error(fmt::format(
          "{} is not empty and is not a testbed directory; choose an empty or new --dir",
          dir.string()));
    write_private_file(marker,
                       "a loadgate testbed: `loadgate testbed down` empties this directory\n");
  }
  chmod(dir.c_str(), 0755);
}

bool healthy(const TestbedState& state) {
  // A frozen process (SIGSTOP: a failover's hung AZ left behind) still has its port open: the
  // kernel accepts for it, and nothing answers.
  for (const auto& p : state.processes)
    if (!process_alive(p.pid, p.start_ticks) || process_stopped(p.pid) ||
        !port_open(p.host, p.port))
      return false;
  return !state.processes.empty();
}

// Records each process in the state file as soon as it runs, so `down` can stop a
// half-started testbed.
class Launch {
 public:
  explicit Launch(TestbedState& state) : state_(state) {}
  void started(ProcessRecord record, std::ostream& log) {
    log << fmt::format("  {:<17} pid {:<7} {}:{}\n", record.name, record.pid, record.host,
                       record.port);
    state_.processes.push_back(std::move(record));
    write_state(state_);
  }

 private:
  TestbedState& state_;
};

ProcessRecord start_own_process(const std::string& name, const std::string& role,
                                std::vector<std::string> argv, const fs::path& dir, uint16_t port) {
  ProcessRecord record;
  record.name = name;
  record.role = role;
  record.port = port;
  record.log_file = (dir / "logs" / (name + ".log")).string();
  return start_and_wait(record, {std::move(argv), record.log_file, std::nullopt, {}},
                        std::chrono::seconds(20));
}

// A loadgate-proxy with a control port (proxy_control.h), for the faults to drive.
ProcessRecord start_proxy(const std::string& name, uint16_t port,
                          const std::vector<std::string>& upstreams, const UpOptions& options,
                          const fs::path& dir) {
  const uint16_t control_port = find_free_port();
  ProcessRecord proxy = start_own_process(
      name, "proxy",
      {(options.bin_dir / "loadgate-proxy").string(), "--listen", fmt::format("127.0.0.1:{}", port),
       "--upstream", fmt::format("{}", fmt::join(upstreams, ",")), "--control",
       fmt::format("127.0.0.1:{}", control_port)},
      dir, port);
  proxy.control_port = control_port;
  return proxy;
}

void start_everything(const UpOptions& options, TestbedState& state, std::ostream& log) {
  const fs::path& dir = options.dir;
  ClusterLayout layout{dir, find_postgres_bindir(), std::nullopt};
  if (getuid() == 0) {
    layout.run_as = lookup_user(options.run_as);
    if (!layout.run_as)
      throw std::runtime_error(fmt::format(
          "running as root, and there is no '{}' account to run Postgres as (run ci/setup)",
          options.run_as));
    check_reachable_by(dir, *layout.run_as);
    state.run_as = options.run_as;
  } else {
    state.run_as = getpwuid(getuid()) ? getpwuid(getuid())->pw_name : std::to_string(getuid());
  }

  fs::remove_all(dir / "logs");  // logs of an earlier testbed would mislead a diagnosis
  for (const char* sub : {"logs", "run", "secrets"}) fs::create_directories(dir / sub);
  chmod((dir / "secrets").c_str(), 0700);
  if (layout.run_as)
    for (const char* sub : {"", "logs", "run"})
      if (chown((dir / sub).c_str(), layout.run_as->uid, layout.run_as->gid) != 0)
        throw std::runtime_error(fmt::format("cannot chown {}", (dir / sub).string()));

  state.db_password_file = (dir / "secrets" / "db_password").string();
  state.admin_password_file = (dir / "secrets" / "pgbouncer_admin_password").string();
  state.jwt_secret_file = (dir / "secrets" / "jwt_secret").string();
  const std::string db_password = make_secret_file(state.db_password_file);
  const std::string admin_password = make_secret_file(state.admin_password_file);
  const std::string replication_password =
      make_secret_file(dir / "secrets" / "replication_password");
  // Postgres's own copy, for the standby's walreceiver and pg_basebackup (libpq's passfile).
  write_private_file(layout.passfile(),
                     fmt::format("127.0.0.1:*:*:replicator:{}\n", replication_password),
                     layout.run_as);
  make_secret_file(state.jwt_secret_file);
  // Key pairs for RS256 and ES256 tokens: the workload signs with the private halves, the
  // service verifies with the public ones.
  for (JwtAlgorithm algorithm : {JwtAlgorithm::RS256, JwtAlgorithm::ES256}) {
    const PemKeyPair pair = generate_jwt_key_pair(algorithm);
    const std::string stem = algorithm == JwtAlgorithm::RS256 ? "jwt_rs256" : "jwt_es256";
    const fs::path private_file = dir / "secrets" / (stem + "_private.pem");
    const fs::path public_file = dir / "secrets" / (stem + "_public.pem");
    write_private_file(private_file, pair.private_pem);
    write_private_file(public_file, pair.public_pem);
    (algorithm == JwtAlgorithm::RS256 ? state.jwt_rs256_private_key_file
                                      : state.jwt_es256_private_key_file) = private_file.string();
    (algorithm == JwtAlgorithm::RS256 ? state.jwt_rs256_public_key_file
                                      : state.jwt_es256_public_key_file) = public_file.string();
  }

  Launch launch(state);
  log << fmt::format("testbed up in {} (Postgres {} as {})\n", dir.string(),
                     layout.bin_dir.parent_path().filename().string(), state.run_as);
  ProcessRecord primary = start_primary(layout, find_free_port());
  launch.started(primary, log);
  log << fmt::format("  seeding {} users (bcrypt cost {}) and {} items\n", state.users.count,
                     state.users.bcrypt_cost, state.items);
  create_schema_and_seed(layout, primary, state, db_password, replication_password);
  launch.started(start_standby(layout, primary, find_free_port()), log);
  enable_replication(layout, primary, state.synchronous_replication);
  log << fmt::format("  standby streaming ({})\n",
                     state.synchronous_replication ? "synchronous" : "asynchronous");

  const uint16_t endpoint_port = find_free_port();
  launch.started(start_proxy("endpoint-proxy", endpoint_port,
                             {fmt::format("127.0.0.1:{}", primary.port)}, options, dir),
                 log);

  std::vector<uint16_t> pgbouncer_ports;
  for (int i = 1; i <= 2; ++i) {
    PgbouncerSettings settings{fmt::format("pgbouncer-{}", i),
                               find_free_port(),
                               endpoint_port,
                               state.database,
                               state.db_user,
                               state.admin_user};
    launch.started(start_pgbouncer(layout, settings, db_password, admin_password), log);
    pgbouncer_ports.push_back(settings.listen_port);
  }

  for (int i = 1; i <= options.instances; ++i) {
    const uint16_t port = find_free_port();
    // Instance i uses pgbouncer (i-1) % 2: the seeds' tasks spread over both pgbouncers.
    const uint16_t pgbouncer = pgbouncer_ports[static_cast<size_t>(i - 1) % pgbouncer_ports.size()];
    launch.started(start_own_process(fmt::format("service-{}", i), "service",
                                     {(options.bin_dir / "loadgate-service").string(),
                                      "--listen",
                                      fmt::format("127.0.0.1:{}", port),
                                      "--db",
                                      fmt::format("host=127.0.0.1 port={} dbname={} user={}",
                                                  pgbouncer, state.database, state.db_user),
                                      "--db-password-file",
                                      state.db_password_file,
                                      "--jwt-rs256-public-key-file",
                                      state.jwt_rs256_public_key_file,
                                      "--jwt-es256-public-key-file",
                                      state.jwt_es256_public_key_file,
                                      "--bcrypt-cost",
                                      std::to_string(options.bcrypt_cost),
                                      "--jwt-secret-file",
                                      state.jwt_secret_file,
                                      "--pool-size",
                                      std::to_string(options.service_pool_size),
                                      "--threads",
                                      std::to_string(options.service_threads),
                                      "--leak-per-request",
                                      std::to_string(options.service_leak)},
                                     dir, port),
                   log);
  }
  // The load balancer (ALB) in front of the instances: `target: {testbed: ..., via: edge}` sends
  // the load through it, and network faults can poison it.
  std::vector<std::string> instances;
  for (const auto* service : state.with_role("service"))
    instances.push_back(fmt::format("{}:{}", service->host, service->port));
  launch.started(start_proxy("edge-proxy", find_free_port(), instances, options, dir), log);
}

}  // namespace

void up(const UpOptions& options, std::ostream& log) {
  if (options.instances < 1) throw std::invalid_argument("--instances must be at least 1");
  prepare_dir(options.dir, options.run_as);
  if (auto existing = read_state(options.dir)) {
    if (healthy(*existing)) {
      log << fmt::format("testbed already up in {} ({} processes); nothing to do\n",
                         options.dir.string(), existing->processes.size());
      return;
    }
    log << "a previous testbed is only partly up: taking it down first\n";
    if (!down(options.dir, log))
      throw std::runtime_error(fmt::format(
          "the previous testbed in {} could not be taken down (see above)", options.dir.string()));
  }

  TestbedState state;
  state.dir = options.dir;
  state.synchronous_replication = options.synchronous;
  state.users = {options.users, "user{n}", "password{n % 8}", 8, options.bcrypt_cost};
  state.items = options.items;
  state.service_pool_size = options.service_pool_size;
  try {
    start_everything(options, state, log);
  } catch (...) {
    log << "testbed up failed: stopping what was started\n";
    down(options.dir, log);
    throw;
  }
  log << fmt::format("testbed up: {} processes; service URLs: {}\n", state.processes.size(),
                     fmt::join(state.service_urls(), " "));
}

bool down(const fs::path& dir, std::ostream& log) {
  auto state = read_state(dir);
  if (!state) {
    log << fmt::format("no testbed in {}; nothing to stop\n", dir.string());
    return true;
  }
  // Clients first, then the pooler, then the database, standby before primary so the primary's
  // synchronous commit never waits on a standby that is already gone.
  bool clean = true;
  for (const char* role : {"service", "proxy", "pgbouncer"}) {
    for (const auto* p : state->with_role(role))
      clean &= stop_process(p->pid, p->start_ticks, std::chrono::seconds(10));
  }
  for (const char* name : {"postgres-standby", "postgres-primary"}) {
    // SIGINT is Postgres's "fast" shutdown: roll back open transactions, then exit.
    if (const auto* p = state->find(name))
      clean &= stop_process(p->pid, p->start_ticks, std::chrono::seconds(30), SIGINT);
  }
  size_t left = 0;
  for (const auto& p : state->processes) {
    if (process_alive(p.pid, p.start_ticks)) {
      log << fmt::format("  {} (pid {}) is still running\n", p.name, p.pid);
      ++left;
    } else if (port_open(p.host, p.port)) {
      log << fmt::format("  port {} of {} is still open\n", p.port, p.name);
      ++left;
    }
  }
  if (!clean || left > 0) {
    // Its data stays under a process that may still use it, and the state for another try.
    log << fmt::format(
        "testbed down: NOT clean: {} of {} processes or ports left behind; {} kept: stop them "
        "and run testbed down again\n",
        left, state->processes.size(), state_file(dir).string());
    return false;
  }
  for (const char* sub :
       {"pg-primary", "pg-standby", "run", "secrets", "pgbouncer-1", "pgbouncer-2"})
    fs::remove_all(dir / sub);
  fs::remove(state_file(dir));
  log << fmt::format("testbed down: stopped {} processes; logs kept in {}\n",
                     state->processes.size(), (dir / "logs").string());
  return clean;
}

int status(const fs::path& dir, bool as_json, std::ostream& out) {
  auto state = read_state(dir);
  if (!state) {
    if (as_json)
      out << "{\"dir\": \"" << dir.string() << "\", \"up\": false}\n";
    else
      out << fmt::format("no testbed in {} (start one with: loadgate testbed up)\n", dir.string());
    return 3;
  }
  const bool ok = healthy(*state);
  if (as_json) {
    out << state_to_json(*state, true) << "\n";
    return ok ? 0 : 1;
  }
  out << fmt::format("testbed in {}: {}\n", dir.string(), ok ? "healthy" : "DEGRADED");
  for (const auto& p : state->processes) {
    const bool alive = process_alive(p.pid, p.start_ticks);
    const bool listening = port_open(p.host, p.port);
    out << fmt::format("  {:<17} pid {:<7} {}:{:<6} {}\n", p.name, p.pid, p.host, p.port,
                       !alive ? "DOWN"
                       : process_stopped(p.pid)
                           ? "FROZEN (SIGSTOP; after a killed run: loadgate recover OUT)"
                       : listening ? "up"
                                   : "not listening");
  }
  out << fmt::format("  users: {} ({}), password {}, bcrypt cost {}\n", state->users.name_pattern,
                     state->users.count, state->users.password_pattern, state->users.bcrypt_cost);
  return ok ? 0 : 1;
}

}  // namespace loadgate::testbed
