// Starting, watching and stopping the local processes the testbed runs (and fault drivers later
// signal): Postgres tools, pgbouncer, the reference service and proxies.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/units.h"

namespace loadgate {

// An unprivileged account to run a server as, when loadgate itself runs as root (Postgres and
// pgbouncer both refuse to run as root).
struct RunAs {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};
std::optional<RunAs> lookup_user(const std::string& name);

struct ProcessSpec {
  std::vector<std::string> argv;   // argv[0] is looked up on PATH when it has no '/'
  std::filesystem::path log_file;  // stdout and stderr are appended here
  std::optional<RunAs> run_as;
  std::vector<std::string> extra_env;  // "NAME=value", added to the inherited environment
  // When set, stdout goes to this file (truncated) and only stderr to log_file: for a program
  // whose answer is read back (a fault driver's `aws ... --output text`).
  std::optional<std::filesystem::path> stdout_file = {};
};

// Starts a daemon: its own session, reparented to init, outliving the caller. Returns its pid.
// Throws std::runtime_error naming the program when it cannot be executed.
pid_t spawn_detached(const ProcessSpec& spec);

// Runs a program to completion within `timeout` (killed after it). Returns its exit status, or
// -1 when killed. Throws when it cannot be executed.
int run_to_completion(const ProcessSpec& spec, Duration timeout);

// The kernel's start time of `pid` (clock ticks since boot): with the pid, it names one process
// for good, where a pid alone may be reused after a reboot. 0 when there is no such process.
uint64_t process_start_ticks(pid_t pid);
// Running (not a zombie) and, when `start_ticks` is given, the same process that had it.
bool process_alive(pid_t pid, uint64_t start_ticks = 0);
// Stopped by a signal (SIGSTOP: a frozen server), state T.
bool process_stopped(pid_t pid);
// The live children of `parent` (a Postgres postmaster's backends, to freeze a whole server).
std::vector<pid_t> child_processes(pid_t parent);
// SIGTERM (or `signal`), then SIGKILL after `grace`. True once the process is gone. Signals
// nothing when the pid now belongs to another process than the one started at `start_ticks`.
bool stop_process(pid_t pid, uint64_t start_ticks, Duration grace, int signal = 15);

// A loopback TCP port nothing listens on right now (the kernel's pick).
uint16_t find_free_port();
bool port_open(const std::string& host, uint16_t port);
bool wait_for_port(const std::string& host, uint16_t port, Duration timeout);

// Raises this process's soft limit on open files to its hard limit (each connection is a file)
// and returns the new soft limit.
uint64_t raise_open_file_limit();

// The last `lines` lines of a log file, for error messages that say why a server did not start.
std::string tail_of(const std::filesystem::path& file, size_t lines = 5);

}  // namespace loadgate
