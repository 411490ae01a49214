#include "harness/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "harness/clock.h"

namespace loadgate {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// Everything the child needs, built before fork(): after fork() in a multi-threaded parent only
// async-signal-safe calls are allowed, so the child must not allocate.
struct PreparedExec {
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;

  explicit PreparedExec(const ProcessSpec& spec) {
    if (spec.argv.empty()) throw std::invalid_argument("no program to run");
    // An extra variable replaces an inherited one of the same name (getenv takes the first).
    auto overridden = [&spec](std::string_view entry) {
      const std::string_view name = entry.substr(0, entry.find('='));
      return std::any_of(spec.extra_env.begin(), spec.extra_env.end(), [name](const auto& extra) {
        return std::string_view(extra).substr(0, extra.find('=')) == name;
      });
    };
    for (char** e = environ; *e; ++e)
      if (!overridden(*e)) env_storage.emplace_back(*e);
    for (const auto& extra : spec.extra_env) env_storage.push_back(extra);
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
  }
};

// Runs in the forked child: never returns. Writes errno to `report_fd` if exec fails.
[[noreturn]] void report_errno_and_exit(int report_fd) {
  int error = errno;
  (void)!write(report_fd, &error, sizeof error);
  _exit(127);
}

[[noreturn]] void exec_child(const ProcessSpec& spec, const PreparedExec& prepared, int report_fd) {
  auto fail = [report_fd] { report_errno_and_exit(report_fd); };
  int log = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = spec.stdout_file
                ? open(spec.stdout_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
                : log;
  if (log < 0 || null < 0 || out < 0) fail();
  dup2(null, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(log, STDERR_FILENO);
  // Asio's sockets are not close-on-exec: without this, a pgbouncer restarted in the middle of
  // a run would hold the run's connections open for as long as it lives. (report_fd closes at
  // exec too, as it should.) Best effort: kernels before 5.11 lack the flag.
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  // A blocked signal stays blocked across exec: `loadgate run` blocks SIGINT and SIGTERM to
  // receive them as a stop request, and a pgbouncer it restarts must still obey SIGTERM.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (spec.run_as) {
    if (fchown(log, spec.run_as->uid, spec.run_as->gid) != 0) { /* the log stays root's */
    }
    if (setgroups(0, nullptr) != 0 || setgid(spec.run_as->gid) != 0 ||
        setuid(spec.run_as->uid) != 0)
      fail();
  }
  execvpe(prepared.argv[0], prepared.argv.data(), prepared.envp.data());
  report_errno_and_exit(report_fd);
}

std::runtime_error exec_failure(const ProcessSpec& spec, int error) {
  return std::runtime_error(fmt::format("cannot run {}: {}", spec.argv[0], errno_text(error)));
}

// Reads an exec failure report: nothing (EOF) once exec succeeded, else the child's errno.
std::optional<int> read_exec_error(int fd) {
  int error = 0;
  ssize_t n;
  do n = read(fd, &error, sizeof error);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n == sizeof error) return error;
  return std::nullopt;
}

}  // namespace

std::optional<RunAs> lookup_user(const std::string& name) {
  passwd* entry = getpwnam(name.c_str());
  if (!entry) return std::nullopt;
  return RunAs{name, entry->pw_uid, entry->pw_gid};
}

pid_t spawn_detached(const ProcessSpec& spec) {
  const PreparedExec prepared(spec);
  int pid_pipe[2], error_pipe[2];
  if (pipe2(pid_pipe, O_CLOEXEC) != 0 || pipe2(error_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + errno_text(errno));
  pid_t middle = fork();
  if (middle < 0) throw std::runtime_error("fork: " + errno_text(errno));
  if (middle == 0) {
    // Double fork: the daemon is reparented to init, so it never becomes our zombie.
    close(pid_pipe[0]);
    close(error_pipe[0]);
    setsid();
    pid_t daemon = fork();
    if (daemon == 0) exec_child(spec, prepared, error_pipe[1]);
    (void)!write(pid_pipe[1], &daemon, sizeof daemon);
    _exit(daemon < 0 ? 1 : 0);
  }
  close(pid_pipe[1]);
  close(error_pipe[1]);
  waitpid(middle, nullptr, 0);
  pid_t daemon = -1;
  ssize_t got = read(pid_pipe[0], &daemon, sizeof daemon);
  close(pid_pipe[0]);
  auto error = read_exec_error(error_pipe[0]);
  if (got != sizeof daemon || daemon <= 0)
    throw std::runtime_error(fmt::format("cannot start {}: fork failed", spec.argv[0]));
  if (error) throw exec_failure(spec, *error);
  return daemon;
}

int run_to_completion(const ProcessSpec& spec, Duration timeout) {
  const PreparedExec prepared(spec);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + errno_text(errno));
  pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork: " + errno_text(errno));
  if (child == 0) {
    setpgid(0, 0);  // its own group, so a timeout also ends what it started
    close(fds[0]);
    exec_child(spec, prepared, fds[1]);
  }
  close(fds[1]);
  if (auto error = read_exec_error(fds[0])) {
    waitpid(child, nullptr, 0);
    throw exec_failure(spec, *error);
  }
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  for (auto pause = std::chrono::milliseconds(1);;
       pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (Clock::now() >= deadline) {
      kill(-child, SIGKILL);
      waitpid(child, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(pause);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {

// The fields of /proc/PID/stat loadgate needs, read in one go.
struct ProcStat {
  char state = '?';  // 'Z' for a zombie
  pid_t parent = 0;
  uint64_t start_ticks = 0;
};

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (pid <= 0 || !std::getline(in, stat)) return std::nullopt;
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  ProcStat result;
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) result.state = field[0];
    if (i == 4) result.parent = static_cast<pid_t>(std::stol(field));
    if (i == 22) result.start_ticks = std::stoull(field);
  }
  return result;
}

}  // namespace

uint64_t process_start_ticks(pid_t pid) {
  auto stat = read_proc_stat(pid);
  return stat ? stat->start_ticks : 0;
}

std::vector<pid_t> child_processes(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (auto stat = read_proc_stat(pid); stat && stat->parent == parent && stat->state != 'Z')
      children.push_back(pid);
  }
  return children;
}

bool process_alive(pid_t pid, uint64_t start_ticks) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  auto stat = read_proc_stat(pid);
  if (!stat || stat->state == 'Z') return false;  // a zombie is gone
  return start_ticks == 0 || stat->start_ticks == start_ticks;
}

bool process_stopped(pid_t pid) {
  auto stat = read_proc_stat(pid);
  return stat && stat->state == 'T';
}

bool stop_process(pid_t pid, uint64_t start_ticks, Duration grace, int signal) {
  // The start time guards against signalling an unrelated process that reused the pid.
  if (!process_alive(pid, start_ticks)) return true;
  kill(pid, signal);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!process_alive(pid, start_ticks)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (process_alive(pid, start_ticks)) kill(pid, SIGKILL);
  for (int i = 0; i < 100 && process_alive(pid, start_ticks); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return !process_alive(pid, start_ticks);
}

uint16_t find_free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + errno_text(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int error = errno;
    close(fd);
    throw std::runtime_error("cannot find a free loopback port: " + errno_text(error));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool port_open(const std::string& host, uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  bool open = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return open;
}

bool wait_for_port(const std::string& host, uint16_t port, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (port_open(host, port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return port_open(host, port);
}

uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

std::string tail_of(const std::filesystem::path& file, size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& line : last) text += (text.empty() ? "" : " | ") + line;
  return text;
}

}  // namespace loadgate
