#include "faults/command_fault.h"

#include <fmt/format.h>

namespace loadgate {
namespace {

Argv read_command(const ConfigNode& node) {
  // A string is a shell command line; a list is an argv.
  if (!node.is_list()) return {"/bin/sh", "-c", node.as_string()};
  Argv argv;
  for (const auto& item : node.as_list()) argv.push_back(item.as_string());
  if (argv.empty() || argv[0].empty()) node.fail("a command needs a program");
  return argv;
}

}  // namespace

CommandFault::CommandFault(const FaultSpec& spec, const std::filesystem::path& log_dir)
    : kind_(spec.kind), commands_(spec.settings, {"inject", "recover", "check"}, log_dir, "") {
  const ConfigNode& node = spec.settings;
  inject_ = read_command(node.at("inject"));
  if (auto recover = node.find("recover")) recover_ = read_command(*recover);
  if (auto check = node.find("check")) check_ = read_command(*check);
}

std::string CommandFault::describe() const {
  if (kind_ == "command") return "command " + commands_.name();
  return fmt::format("{} by command {}", kind_, commands_.name());
}

std::vector<std::string> CommandFault::plan() const {
  std::vector<std::string> lines{FaultCommands::plan_line("inject", FaultCommands::shown(inject_))};
  if (!check_.empty())
    lines.push_back(
        FaultCommands::plan_line("check", FaultCommands::shown(check_) + " (until it exits 0)"));
  if (!recover_.empty())
    lines.push_back(FaultCommands::plan_line("recover", FaultCommands::shown(recover_)));
  for (auto& line : commands_.env_plan()) lines.push_back(std::move(line));
  return lines;
}

void CommandFault::wait_for_check(std::string_view after) {
  if (check_.empty()) return;
  commands_.wait_until_passes(after, check_);
}

void CommandFault::inject() {
  commands_.run("inject", inject_);
  wait_for_check("inject");
}

void CommandFault::recover() {
  if (recover_.empty()) return;
  commands_.run("recover", recover_);
  wait_for_check("recover");
}

}  // namespace loadgate
