#include "testbed/postgres_cluster.h"

#include <unistd.h>

#include <csignal>

#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/clock.h"
#include "harness/password_hash.h"
#include "testbed/launch.h"

namespace loadgate::testbed {
namespace fs = std::filesystem;

namespace {

constexpr auto kServerStartTimeout = std::chrono::seconds(60);

void append(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::app);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

}  // namespace

void run_postgres_tool(const ClusterLayout& layout, std::vector<std::string> argv,
                       const std::string& log) {
  ProcessSpec spec{std::move(argv),
                   layout.logs() / log,
                   layout.run_as,
                   {"PGPASSFILE=" + layout.passfile().string()}};
  const std::string program = fs::path(spec.argv[0]).filename();
  int status = run_to_completion(spec, std::chrono::minutes(2));
  if (status != 0)
    throw std::runtime_error(
        fmt::format("{} failed (exit {}): {}", program, status, tail_of(spec.log_file)));
}

namespace {

// Settings both nodes share. Why each one is here:
//  - unix_socket_directories: the default /var/run/postgresql is not ours to use.
//  - wal_log_hints + wal_keep_size: so a failed-over old primary can be pg_rewind-ed back.
//  - max_connections 200: the RDS instance the seeds size pgbouncer against.
//  - wal_retrieve_retry_interval 1s: a standby whose primary restarted (a wake) streams again
//    within a second, not five, so synchronous commits after it are not held up by the testbed.
std::string common_settings(const ClusterLayout& layout, uint16_t port) {
  return fmt::format(
      "\n# loadgate testbed\n"
      "listen_addresses = '127.0.0.1'\n"
      "port = {}\n"
      "unix_socket_directories = '{}'\n"
      "unix_socket_permissions = 0770\n"
      "max_connections = {}\n"
      "wal_level = replica\n"
      "max_wal_senders = 10\n"
      "max_replication_slots = 10\n"
      "wal_keep_size = '256MB'\n"
      "wal_log_hints = on\n"
      "wal_retrieve_retry_interval = '1s'\n"
      "hot_standby = on\n"
      "shared_buffers = '128MB'\n"
      "logging_collector = off\n",
      port, layout.socket_dir(), kPostgresMaxConnections);
}

}  // namespace

ProcessRecord start_postgres(const ClusterLayout& layout, const std::string& name,
                             const fs::path& data_dir, uint16_t port, const std::string& log_file) {
  ProcessRecord record;
  record.name = name;
  record.role = "postgres";
  record.port = port;
  record.data_dir = data_dir.string();
  record.log_file = log_file.empty() ? (layout.logs() / (name + ".log")).string() : log_file;
  ProcessSpec spec{{(layout.bin_dir / "postgres").string(), "-D", data_dir.string()},
                   record.log_file,
                   layout.run_as,
                   {}};
  record.pid = spawn_detached(spec);
  record.start_ticks = process_start_ticks(record.pid);
  if (!wait_for_port(record.host, port, kServerStartTimeout) || !process_alive(record.pid)) {
    // Not left running unrecorded: a later start would put a second server on the directory.
    stop_process(record.pid, record.start_ticks, std::chrono::seconds(10), SIGINT);
    throw std::runtime_error(
        fmt::format("{} did not start on port {}: {}", name, port, tail_of(record.log_file)));
  }
  return record;
}

namespace {

std::string superuser_conninfo(const ClusterLayout& layout, const ProcessRecord& node,
                               const std::string& dbname = "postgres") {
  return fmt::format("host={} port={} user=postgres dbname={} connect_timeout=5",
                     layout.socket_dir(), node.port, dbname);
}

// The port opens before recovery finishes; retry until the server accepts queries.
std::unique_ptr<pqxx::connection> connect_when_ready(const std::string& conninfo) {
  const auto deadline = Clock::now() + kServerStartTimeout;
  for (;;) {
    try {
      return std::make_unique<pqxx::connection>(conninfo);
    } catch (const pqxx::broken_connection& e) {
      if (Clock::now() > deadline)
        throw std::runtime_error(fmt::format("Postgres never accepted connections: {}", e.what()));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void chown_to(const fs::path& path, const std::optional<RunAs>& run_as) {
  if (run_as && chown(path.c_str(), run_as->uid, run_as->gid) != 0)
    throw std::runtime_error(fmt::format("cannot chown {} to {}", path.string(), run_as->name));
}

}  // namespace

std::unique_ptr<pqxx::connection> connect_as_superuser(const ClusterLayout& layout,
                                                       const ProcessRecord& node,
                                                       const std::string& dbname) {
  return connect_when_ready(superuser_conninfo(layout, node, dbname));
}

ClusterLayout layout_of(const TestbedState& state) {
  ClusterLayout layout{state.dir, find_postgres_bindir(), std::nullopt};
  if (getuid() == 0) layout.run_as = lookup_user(state.run_as);
  return layout;
}

namespace {
// "/usr/lib/postgresql/15" → 15, so that 15 is newer than 9.6.
double major_version(const fs::path& dir) {
  try {
    return std::stod(dir.filename().string());
  } catch (const std::exception&) {
    return -1;
  }
}
}  // namespace

fs::path find_postgres_bindir() {
  if (const char* env = std::getenv("LOADGATE_PG_BINDIR"); env && *env) return env;
  fs::path best;
  if (fs::exists("/usr/lib/postgresql"))
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql"))
      if (fs::exists(entry.path() / "bin" / "postgres") &&
          (best.empty() || major_version(entry.path()) > major_version(best.parent_path())))
        best = entry.path() / "bin";
  if (best.empty())
    throw std::runtime_error(
        "no Postgres server found under /usr/lib/postgresql/*/bin: run ci/setup (or set "
        "LOADGATE_PG_BINDIR)");
  return best;
}

ProcessRecord start_primary(const ClusterLayout& layout, uint16_t port) {
  const fs::path data = layout.dir / "pg-primary";
  run_postgres_tool(
      layout,
      {(layout.bin_dir / "initdb").string(), "-D", data.string(), "-U", "postgres",
       "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"},
      "initdb.log");
  append(data / "postgresql.conf", common_settings(layout, port));
  // First match wins, so the file is ours whole: the testbed's own admin work goes over the
  // socket (mode 0770: only the server's account and root); replication and applications come
  // over loopback and authenticate with SCRAM.
  std::filesystem::remove(data / "pg_hba.conf");
  append(data / "pg_hba.conf",
         "local all all trust\n"
         "host replication replicator 127.0.0.1/32 scram-sha-256\n"
         "host all all 127.0.0.1/32 scram-sha-256\n");
  chown_to(data / "pg_hba.conf", layout.run_as);  // pg_rewind rewrites it as the server's account
  return start_postgres(layout, "postgres-primary", data, port);
}

void create_schema_and_seed(const ClusterLayout& layout, const ProcessRecord& primary,
                            const TestbedState& state, const std::string& db_password,
                            const std::string& replication_password) {
  {
    auto admin = connect_when_ready(superuser_conninfo(layout, primary));
    pqxx::nontransaction tx(*admin);
    tx.exec(fmt::format("CREATE ROLE replicator REPLICATION LOGIN PASSWORD {}",
                        tx.quote(replication_password)));
    tx.exec(fmt::format("CREATE ROLE {} LOGIN PASSWORD {}", tx.quote_name(state.db_user),
                        tx.quote(db_password)));
    tx.exec(fmt::format("CREATE DATABASE {} OWNER {}", tx.quote_name(state.database),
                        tx.quote_name(state.db_user)));
  }
  auto db = connect_when_ready(superuser_conninfo(layout, primary, state.database));
  pqxx::work tx(*db);
  tx.exec(fmt::format("SET ROLE {}", tx.quote_name(state.db_user)));
  tx.exec(
      "CREATE TABLE users (id serial PRIMARY KEY, name text UNIQUE NOT NULL, "
      "password_hash text NOT NULL)");
  // write_id: the id a load generator's write ledger gave the row, to read it back by.
  tx.exec(
      "CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, payload text, "
      "write_id text UNIQUE, created_at timestamptz NOT NULL DEFAULT now())");
  // bcrypt is slow on purpose: hash each distinct password once, not each user.
  std::vector<std::string> hashes;
  for (int i = 0; i < state.users.distinct_passwords; ++i)
    hashes.push_back(bcrypt_hash(fmt::format("password{}", i), state.users.bcrypt_cost));
  std::string array = "{";
  for (size_t i = 0; i < hashes.size(); ++i) array += (i ? ",\"" : "\"") + hashes[i] + "\"";
  array += "}";
  tx.exec_params(
      "INSERT INTO users (name, password_hash) SELECT 'user' || n, ($1::text[])[n % $2 + 1] "
      "FROM generate_series(1, $3) AS n",
      array, state.users.distinct_passwords, state.users.count);
  tx.exec_params(
      "INSERT INTO items (name, payload) SELECT 'item-' || n, md5(n::text) "
      "FROM generate_series(1, $1) AS n",
      state.items);
  tx.commit();
}

ProcessRecord start_standby(const ClusterLayout& layout, const ProcessRecord& primary,
                            uint16_t port) {
  const fs::path data = layout.dir / "pg-standby";
  run_postgres_tool(layout,
                    {(layout.bin_dir / "pg_basebackup").string(), "-h", primary.host, "-p",
                     std::to_string(primary.port), "-U", "replicator", "-w", "-D", data.string(),
                     "-X", "stream", "-c", "fast", "-C", "-S", "standby1", "--no-sync"},
                    "pg_basebackup.log");
  configure_as_standby(layout, data, port, primary);
  return start_postgres(layout, "postgres-standby", data, port);
}

void configure_as_standby(const ClusterLayout& layout, const fs::path& data, uint16_t port,
                          const ProcessRecord& primary) {
  // Appended, and the last setting in the file wins: a data directory copied from the primary
  // (a base backup, or pg_rewind) brings the primary's port and primary_conninfo along.
  append(data / "postgresql.conf",
         common_settings(layout, port) +
             fmt::format("primary_conninfo = 'host={} port={} user=replicator passfile={} "
                         "application_name=standby1'\n"
                         "primary_slot_name = 'standby1'\n",
                         primary.host, primary.port, layout.passfile().string()));
  const fs::path signal = data / "standby.signal";
  append(signal, "");
  chown_to(signal, layout.run_as);
}

void enable_replication(const ClusterLayout& layout, const ProcessRecord& primary,
                        bool synchronous) {
  auto admin = connect_when_ready(superuser_conninfo(layout, primary));
  // The standby streams first, asynchronously; only then is it made synchronous. The other
  // order would leave a primary whose standby never came blocking every commit.
  auto wait_for = [&](const std::string& wanted) {
    const auto deadline = Clock::now() + kServerStartTimeout;
    std::string seen = "no standby connected";
    while (Clock::now() < deadline) {
      pqxx::nontransaction tx(*admin);
      auto rows = tx.exec(
          "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = "
          "'standby1'");
      if (!rows.empty()) {
        seen = fmt::format("state {}, sync_state {}", rows[0][0].c_str(), rows[0][1].c_str());
        if (rows[0][0].as<std::string>() == "streaming" &&
            (wanted == "any" || rows[0][1].as<std::string>() == wanted))
          return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error(fmt::format("the standby never reached {}streaming ({})",
                                         wanted == "any" ? "" : wanted + " ", seen));
  };
  wait_for("any");
  if (!synchronous) return;
  {
    pqxx::nontransaction tx(*admin);
    tx.exec("ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
    tx.exec("SELECT pg_reload_conf()");
  }
  wait_for("sync");
}

}  // namespace loadgate::testbed
