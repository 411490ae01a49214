#include "testbed/postgres_failover.h"

#include <algorithm>
#include <csignal>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/process.h"
#include "testbed/postgres_cluster.h"

namespace loadgate::testbed {
namespace fs = std::filesystem;

namespace {

const ProcessRecord& node_named(const TestbedState& state, const std::string& name) {
  const auto* node = state.find(name);
  if (!node) throw std::runtime_error(fmt::format("the testbed has no {}", name));
  return *node;
}

ProcessRecord& mutable_node(TestbedState& state, const std::string& name) {
  for (auto& p : state.processes)
    if (p.name == name) return p;
  throw std::runtime_error(fmt::format("the testbed has no {}", name));
}

// The server's pid first, so a stopped postmaster forks no new backend while we go on.
std::vector<pid_t> server_processes(const ProcessRecord& node) {
  std::vector<pid_t> pids;
  if (!process_alive(node.pid, node.start_ticks)) return pids;
  pids.push_back(node.pid);
  for (pid_t child : child_processes(node.pid)) pids.push_back(child);
  return pids;
}

void signal_all(const std::vector<pid_t>& pids, int signal) {
  for (pid_t pid : pids) kill(pid, signal);
}

// A killed postmaster leaves its pidfile and its socket's lock file, and a zombie not yet reaped
// (a container's init may be slow to) keeps that pid "in use": Postgres, and pg_rewind's crash
// recovery, would refuse to start. Called only once the server is known to be gone.
void remove_stale_lock_files(const ClusterLayout& layout, const ProcessRecord& node) {
  fs::remove(fs::path(node.data_dir) / "postmaster.pid");
  const fs::path socket = fs::path(layout.socket_dir()) / fmt::format(".s.PGSQL.{}", node.port);
  fs::remove(socket);
  fs::remove(socket.string() + ".lock");
}

}  // namespace

const ProcessRecord& primary_of(const TestbedState& state) {
  return node_named(state, "postgres-primary");
}

const ProcessRecord& standby_of(const TestbedState& state) {
  return node_named(state, "postgres-standby");
}

void freeze_postgres(const ProcessRecord& node) {
  if (!process_alive(node.pid, node.start_ticks))
    throw std::runtime_error(fmt::format("{} is not running", node.name));
  kill(node.pid, SIGSTOP);
  signal_all(child_processes(node.pid), SIGSTOP);
}

void thaw_postgres(const ProcessRecord& node) {
  auto pids = server_processes(node);
  std::reverse(pids.begin(), pids.end());  // backends first: the postmaster finds them running
  signal_all(pids, SIGCONT);
}

void kill_postgres(const ProcessRecord& node) {
  const auto pids = server_processes(node);
  signal_all(pids, SIGKILL);
  for (int i = 0; i < 250; ++i) {
    if (std::none_of(pids.begin(), pids.end(), [](pid_t pid) { return process_alive(pid); }))
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error(fmt::format("{} (pid {}) survived SIGKILL", node.name, node.pid));
}

void stop_postgres(const ProcessRecord& node) {
  if (!stop_process(node.pid, node.start_ticks, std::chrono::seconds(30), SIGINT))
    throw std::runtime_error(fmt::format("{} (pid {}) did not stop", node.name, node.pid));
}

ProcessRecord restart_postgres(TestbedState& state, const std::string& name) {
  ProcessRecord& node = mutable_node(state, name);
  if (process_alive(node.pid, node.start_ticks))
    throw std::runtime_error(fmt::format("{} is still running (pid {})", name, node.pid));
  remove_stale_lock_files(layout_of(state), node);
  const ProcessRecord started =
      start_postgres(layout_of(state), name, node.data_dir, node.port, node.log_file);
  node.pid = started.pid;
  node.start_ticks = started.start_ticks;
  write_state(state);
  connect_as_superuser(layout_of(state), node);  // up means answering, not only listening
  return node;
}

namespace {

// What follows a promotion: the new primary runs without a synchronous standby (until one is
// rebuilt, a synchronous commit would wait for ever), and the state names it the primary.
ProcessRecord take_over_as_primary(TestbedState& state, pqxx::connection& admin) {
  pqxx::nontransaction tx(admin);
  tx.exec("ALTER SYSTEM RESET synchronous_standby_names");
  tx.exec("SELECT pg_reload_conf()");
  ProcessRecord& old_primary = mutable_node(state, "postgres-primary");
  ProcessRecord& new_primary = mutable_node(state, "postgres-standby");
  std::swap(old_primary.name, new_primary.name);
  write_state(state);
  return primary_of(state);
}

}  // namespace

ProcessRecord promote_standby(TestbedState& state) {
  auto admin = connect_as_superuser(layout_of(state), standby_of(state));
  {
    pqxx::nontransaction tx(*admin);
    if (!tx.exec1("SELECT pg_promote(true, 60)")[0].as<bool>())
      throw std::runtime_error("pg_promote did not finish within 60 s");
  }
  return take_over_as_primary(state, *admin);
}

bool adopt_promotion(TestbedState& state, std::chrono::seconds wait) {
  const ProcessRecord& standby = standby_of(state);
  if (!process_alive(standby.pid, standby.start_ticks)) return false;
  auto admin = connect_as_superuser(layout_of(state), standby);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    bool recovering = true;
    {
      pqxx::nontransaction tx(*admin);
      recovering = tx.exec1("SELECT pg_is_in_recovery()")[0].as<bool>();
    }
    if (!recovering) break;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  take_over_as_primary(state, *admin);
  return true;
}

RebuildMethod rebuild_standby(TestbedState& state, RebuildMethod method) {
  const ClusterLayout layout = layout_of(state);
  const ProcessRecord primary = primary_of(state);
  ProcessRecord& standby = mutable_node(state, "postgres-standby");
  if (process_alive(standby.pid, standby.start_ticks)) kill_postgres(standby);
  remove_stale_lock_files(layout, standby);
  {
    auto admin = connect_as_superuser(layout, primary);
    pqxx::nontransaction tx(*admin);
    tx.exec(
        "SELECT pg_create_physical_replication_slot('standby1') WHERE NOT EXISTS "
        "(SELECT 1 FROM pg_replication_slots WHERE slot_name = 'standby1')");
    // A just-promoted server's control file names its new timeline only after a checkpoint;
    // without one pg_rewind sees "the same timeline", rewinds nothing, and the standby it
    // leaves cannot follow the new primary.
    tx.exec("CHECKPOINT");
  }
  const fs::path data = standby.data_dir;
  if (method == RebuildMethod::rewind) {
    try {
      // Winds the old primary back to where the timelines forked; it runs crash recovery on
      // the target first when the server was killed.
      run_postgres_tool(layout,
                        {(layout.bin_dir / "pg_rewind").string(), "--target-pgdata", data.string(),
                         "--source-server",
                         fmt::format("host={} port={} user=postgres dbname=postgres",
                                     layout.socket_dir(), primary.port)},
                        "pg_rewind.log");
    } catch (const std::exception&) {
      method = RebuildMethod::base_backup;  // its log says why; a fresh copy always works
    }
  }
  if (method == RebuildMethod::base_backup) {
    fs::remove_all(data);
    run_postgres_tool(layout,
                      {(layout.bin_dir / "pg_basebackup").string(), "-h", primary.host, "-p",
                       std::to_string(primary.port), "-U", "replicator", "-w", "-D", data.string(),
                       "-X", "stream", "-c", "fast", "-S", "standby1", "--no-sync"},
                      "pg_basebackup.log");
  }
  configure_as_standby(layout, data, standby.port, primary);
  const ProcessRecord started =
      start_postgres(layout, standby.name, data, standby.port, standby.log_file);
  standby.pid = started.pid;
  standby.start_ticks = started.start_ticks;
  write_state(state);
  enable_replication(layout, primary, state.synchronous_replication);
  return method;
}

}  // namespace loadgate::testbed
