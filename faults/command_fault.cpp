#include "faults/command_fault.h"

#include <thread>

#include <fmt/format.h>

#include "harness/clock.h"
#include "harness/process.h"

namespace loadgate {
namespace {

std::vector<std::string> read_command(const ConfigNode& node) {
  // A string is a shell command line; a list is an argv.
  if (!node.is_list()) return {"/bin/sh", "-c", node.as_string()};
  std::vector<std::string> argv;
  for (const auto& item : node.as_list()) argv.push_back(item.as_string());
  if (argv.empty() || argv[0].empty()) node.fail("a command needs a program");
  return argv;
}

}  // namespace

CommandFault::CommandFault(const FaultSpec& spec, const std::filesystem::path& log_dir) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node, {"name", "inject", "recover", "check", "timeout", "check_every", "env"});
  kind_ = spec.kind;
  name_ = node.at("name").as_string();
  if (name_.empty() || name_.find_first_of("/ ") != std::string::npos)
    node.at("name").fail("a name is one word (it names the fault's log file)");
  inject_ = read_command(node.at("inject"));
  if (auto recover = node.find("recover")) recover_ = read_command(*recover);
  if (auto check = node.find("check")) check_ = read_command(*check);
  if (auto timeout = node.find("timeout")) timeout_ = timeout->as_duration();
  if (auto every = node.find("check_every")) check_every_ = every->as_duration();
  if (timeout_ <= Duration::zero()) node.at("timeout").fail("expected a duration above 0");
  if (check_every_ <= Duration::zero()) node.at("check_every").fail("expected a duration above 0");
  if (auto env = node.find("env"))
    for (const auto& key : env->map_keys()) env_.push_back(key + "=" + env->at(key).as_string());
  log_ = log_dir / (name_ + ".log");
}

std::string CommandFault::shown(const Command& command) {
  if (command.size() == 3 && command[0] == "/bin/sh" && command[1] == "-c") return command[2];
  return fmt::format("{}", fmt::join(command, " "));
}

std::string CommandFault::describe() const {
  if (kind_ == "command") return "command " + name_;
  return fmt::format("{} by command {}", kind_, name_);
}

std::vector<std::string> CommandFault::plan() const {
  std::vector<std::string> lines{"inject:  " + shown(inject_)};
  if (!check_.empty()) lines.push_back("check:   " + shown(check_) + " (until it exits 0)");
  if (!recover_.empty()) lines.push_back("recover: " + shown(recover_));
  // Names only: a value may be a token.
  for (const auto& variable : env_)
    lines.push_back("env:     " + variable.substr(0, variable.find('=')));
  return lines;
}

void CommandFault::run(const std::string& step, const Command& command) const {
  std::filesystem::create_directories(log_.parent_path());
  const int status = run_to_completion({command, log_, std::nullopt, env_}, timeout_);
  if (status == 0) return;
  throw FaultError(fmt::format("{} `{}` {} (log {}: {})", step, shown(command),
                               status < 0 ? fmt::format("ran past {}", format_duration(timeout_))
                                          : fmt::format("exited {}", status),
                               log_.string(), tail_of(log_, 3)));
}

void CommandFault::wait_for_check(const std::string& after) const {
  if (check_.empty()) return;
  const auto deadline = Clock::now() + timeout_;
  for (;;) {
    std::filesystem::create_directories(log_.parent_path());
    // Each try gets what is left of the timeout, so the whole wait keeps to it.
    const Duration left = std::max<Duration>(deadline - Clock::now(), std::chrono::seconds(1));
    if (run_to_completion({check_, log_, std::nullopt, env_}, left) == 0) return;
    if (Clock::now() + check_every_ > deadline)
      throw FaultError(fmt::format("check `{}` did not pass within {} after {} (log {})",
                                   shown(check_), format_duration(timeout_), after, log_.string()));
    std::this_thread::sleep_for(check_every_);
  }
}

void CommandFault::inject() {
  run("inject", inject_);
  wait_for_check("inject");
}

void CommandFault::recover() {
  if (recover_.empty()) return;
  run("recover", recover_);
  wait_for_check("recover");
}

}  // namespace loadgate
