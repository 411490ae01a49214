#include "harness/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "harness/clock.h"

namespace loadgate {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// Runs in the forked child: never returns. Writes errno to `report_fd` if exec fails.
[[noreturn]] void exec_child(const ProcessSpec& spec, int report_fd) {
  int log = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null = open("/dev/null", O_RDONLY);
  if (log < 0 || null < 0) {
    int error = errno;
    (void)!write(report_fd, &error, sizeof error);
    _exit(127);
  }
  dup2(null, STDIN_FILENO);
  dup2(log, STDOUT_FILENO);
  dup2(log, STDERR_FILENO);
  if (spec.run_as) {
    if (fchown(log, spec.run_as->uid, spec.run_as->gid) != 0) { /* log stays root's: fine */
    }
    if (setgroups(0, nullptr) != 0 || setgid(spec.run_as->gid) != 0 ||
        setuid(spec.run_as->uid) != 0) {
      int error = errno;
      (void)!write(report_fd, &error, sizeof error);
      _exit(127);
    }
  }
  for (const auto& assignment : spec.extra_env) putenv(const_cast<char*>(assignment.c_str()));
  std::vector<char*> argv;
  for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int error = errno;
  (void)!write(report_fd, &error, sizeof error);
  _exit(127);
}

void check_spec(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw std::invalid_argument("no program to run");
}

std::runtime_error exec_failure(const ProcessSpec& spec, int error) {
  return std::runtime_error(fmt::format("cannot run {}: {}", spec.argv[0], errno_text(error)));
}

}  // namespace

std::optional<RunAs> lookup_user(const std::string& name) {
  passwd* entry = getpwnam(name.c_str());
  if (!entry) return std::nullopt;
  return RunAs{name, entry->pw_uid, entry->pw_gid};
}

pid_t spawn_detached(const ProcessSpec& spec) {
  check_spec(spec);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + errno_text(errno));
  pid_t middle = fork();
  if (middle < 0) throw std::runtime_error("fork: " + errno_text(errno));
  if (middle == 0) {
    // Double fork: the daemon is reparented to init, so it never becomes our zombie.
    close(fds[0]);
    setsid();
    pid_t daemon = fork();
    if (daemon == 0) exec_child(spec, fds[1]);
    (void)!write(fds[1], &daemon, sizeof daemon);
    _exit(daemon < 0 ? 1 : 0);
  }
  close(fds[1]);
  int status = 0;
  waitpid(middle, &status, 0);
  pid_t daemon = -1;
  int error = 0;
  ssize_t got = read(fds[0], &daemon, sizeof daemon);
  ssize_t failed = read(fds[0], &error, sizeof error);  // EOF (0) once exec succeeded
  close(fds[0]);
  if (got != sizeof daemon || daemon <= 0)
    throw std::runtime_error(fmt::format("cannot start {}: fork failed", spec.argv[0]));
  if (failed == sizeof error) throw exec_failure(spec, error);
  return daemon;
}

int run_to_completion(const ProcessSpec& spec, Duration timeout) {
  check_spec(spec);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + errno_text(errno));
  pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork: " + errno_text(errno));
  if (child == 0) {
    close(fds[0]);
    exec_child(spec, fds[1]);
  }
  close(fds[1]);
  int error = 0;
  ssize_t failed = read(fds[0], &error, sizeof error);
  close(fds[0]);
  if (failed == sizeof error) {
    waitpid(child, nullptr, 0);
    throw exec_failure(spec, error);
  }
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  for (auto pause = std::chrono::milliseconds(1);;
       pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (Clock::now() >= deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(pause);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0) return errno == EPERM;
  // A zombie still answers kill(0); /proc tells it apart.
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string field;
  for (int i = 0; i < 3 && stat >> field; ++i) {
  }
  return field != "Z";
}

bool stop_process(pid_t pid, Duration grace, int signal) {
  if (!process_alive(pid)) return true;
  kill(pid, signal);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!process_alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  for (int i = 0; i < 100 && process_alive(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return !process_alive(pid);
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
