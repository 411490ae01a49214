// kind: pgbouncer-restart, local driver: stops pgbouncers of the testbed and starts them again
// from the configuration `testbed up` wrote, as a supervisor (ECS, systemd) would.
//
//   faults:
//     - {kind: pgbouncer-restart, at: 10s, mode: kill, which: pgbouncer-1, recover_after: 2s}
//
// mode:  terminate (SIGTERM, pgbouncer's immediate shutdown: clients are cut off), graceful
//        (SIGINT: PAUSE then SHUTDOWN, in-flight transactions finish first; SIGKILL after 30 s),
//        kill (SIGKILL: a crash). Default terminate.
// which: a pgbouncer's name (pgbouncer-1), a list of names, or all. Default pgbouncer-1.
// recover_after: how long it stays down before the restart (default 0: restarted at once).
#pragma once

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "faults/fault.h"
#include "harness/scenario.h"
#include "testbed/testbed_state.h"

namespace loadgate {

// Whether a pgbouncer version line ("PgBouncer 1.18.0", from SHOW VERSION or --version) is at
// least major.minor; an unreadable one is taken as older.
bool pgbouncer_at_least(const std::string& version, int major, int minor);

// pgbouncer's immediate shutdown for its version line: SIGTERM until 1.22; from 1.23 SIGTERM
// waits for every client to leave (a rolling restart's "super safe shutdown") and SIGQUIT is the
// immediate one. An unreadable version is taken as the older.
int immediate_shutdown_signal(const std::string& version);

class PgbouncerRestart : public Fault {
 public:
  // Reads and checks the fault's keys against the testbed in `testbed_dir`; throws ConfigError
  // naming the line.
  PgbouncerRestart(const FaultSpec& spec, std::filesystem::path testbed_dir);

  std::string describe() const override;
  std::string driver() const override { return "testbed"; }
  void inject() override;
  void recover() override;

 private:
  enum class Mode { terminate, graceful, kill };
  std::filesystem::path dir_;
  Mode mode_ = Mode::terminate;
  // The signal for `mode`, for the running pgbouncer `process`: its console's SHOW VERSION, or the
  // installed binary's when the console does not answer.
  int signal_for(const testbed::TestbedState& state, const testbed::ProcessRecord& process) const;
  std::string mode_name_ = "terminate";
  std::vector<std::string> which_;
};

// The testbed's pgbouncers a fault's `which:` names: absent, the first; `all`; or a list of
// names. Throws ConfigError naming the line and the pgbouncers there are.
std::vector<testbed::ProcessRecord> chosen_pgbouncers(const ConfigNode& fault,
                                                      const testbed::TestbedState& state);

}  // namespace loadgate
