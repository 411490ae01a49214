#include "faults/pgbouncer_restart.h"

#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "faults/pgbouncer_console.h"
#include "faults/testbed_of_fault.h"
#include "harness/process.h"
#include "testbed/pgbouncer_fleet.h"
#include "testbed/testbed_state.h"

namespace loadgate {

PgbouncerRestart::PgbouncerRestart(const FaultSpec& spec, std::filesystem::path testbed_dir)
    : dir_(std::move(testbed_dir)) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node, {"mode", "which"});
  if (auto mode = node.find("mode")) {
    mode_name_ = mode->as_string();
    if (mode_name_ == "terminate")
      mode_ = Mode::terminate;
    else if (mode_name_ == "graceful")
      mode_ = Mode::graceful;
    else if (mode_name_ == "kill")
      mode_ = Mode::kill;
    else
      mode->fail(
          "expected terminate, graceful or kill (or, through the admin console, pause, "
          "reconnect or kill-database)");
  }
  const auto state = testbed::read_state(dir_);
  if (!state)
    node.fail(fmt::format("pgbouncer-restart needs a testbed; none in {}", dir_.string()));
  for (const auto& p : chosen_pgbouncers(node, *state)) which_.push_back(p.name);
}

bool pgbouncer_at_least(const std::string& version, int major, int minor) {
  int is_major = 0, is_minor = 0;
  if (std::sscanf(version.c_str(), "PgBouncer %d.%d", &is_major, &is_minor) != 2) return false;
  return is_major > major || (is_major == major && is_minor >= minor);
}

int immediate_shutdown_signal(const std::string& version) {
  return pgbouncer_at_least(version, 1, 23) ? SIGQUIT : SIGTERM;
}

std::vector<testbed::ProcessRecord> chosen_pgbouncers(const ConfigNode& fault,
                                                      const testbed::TestbedState& state) {
  std::vector<testbed::ProcessRecord> all;
  std::vector<std::string> names;
  for (const auto* p : state.with_role("pgbouncer")) {
    all.push_back(*p);
    names.push_back(p->name);
  }
  if (all.empty()) fault.fail("the testbed has no pgbouncer");
  auto which = fault.find("which");
  if (!which) return {all.front()};
  if (!which->is_list() && which->as_string() == "all") return all;
  std::vector<testbed::ProcessRecord> chosen;
  for (const auto& item : which->as_list()) {
    const auto it = std::find(names.begin(), names.end(), item.as_string());
    if (it == names.end())
      item.fail(fmt::format("the testbed has no pgbouncer '{}' (it has {}, or all)",
                            item.as_string(), fmt::join(names, ", ")));
    chosen.push_back(all[static_cast<size_t>(it - names.begin())]);
  }
  return chosen;
}

std::string PgbouncerRestart::describe() const {
  return fmt::format("pgbouncer-restart {} of {}", mode_name_, fmt::join(which_, ", "));
}

int PgbouncerRestart::signal_for(const testbed::TestbedState& state,
                                 const testbed::ProcessRecord& process) const {
  if (mode_ == Mode::graceful) return SIGINT;  // PAUSE then SHUTDOWN, in every version
  if (mode_ == Mode::kill) return SIGKILL;
  std::string version = console_version(state.admin_console_dsn(process),
                                        testbed::read_secret(state.admin_password_file));
  if (version.empty()) version = testbed::pgbouncer_version();
  return immediate_shutdown_signal(version);
}

void PgbouncerRestart::inject() {
  const auto state = testbed_of_fault(dir_);
  for (const auto& name : which_) {
    const auto* process = state.find(name);
    if (!process || !process_alive(process->pid, process->start_ticks))
      throw FaultError(fmt::format("{} is not running, so it cannot be stopped", name));
    const int signal = signal_for(state, *process);
    // A graceful shutdown waits for in-flight transactions; give it 30 s, then kill.
    const Duration grace =
        mode_ == Mode::graceful ? std::chrono::seconds(30) : std::chrono::seconds(5);
    if (!stop_process(process->pid, process->start_ticks, grace, signal))
      throw FaultError(fmt::format("{} (pid {}) did not stop", name, process->pid));
  }
}

void PgbouncerRestart::recover() {
  auto state = testbed_of_fault(dir_);
  for (const auto& name : which_) {
    const auto* process = state.find(name);
    if (process && process_alive(process->pid, process->start_ticks)) continue;  // never stopped
    try {
      testbed::relaunch_pgbouncer(state, name);
    } catch (const std::exception& e) {
      throw FaultError(fmt::format("cannot restart {}: {}", name, e.what()));
    }
  }
}

}  // namespace loadgate
