#include "cli/target_options.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "session/target_guard.h"

namespace loadgate::cli {

void add_target_options(CLI::App* command, TargetArgs& args) {
  command->add_option("--allow-target", args.allow,
                      "a host beyond this machine the run may reach (repeatable; a name as the "
                      "scenario writes it, or *.suffix); beside the scenario's target.allow. "
                      "Without it only loopback is reached");
  command->add_flag("--confirm-faults", args.confirm_faults,
                    "inject faults that may act beyond this machine (a run that reaches an allowed "
                    "host, a cloud or cluster driver) without asking");
}

bool faults_confirmed(const std::vector<std::string>& faults, const TargetArgs& args) {
  if (faults.empty() || args.confirm_faults) return true;
  if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
    std::cerr << "loadgate: these faults would act beyond this machine:\n";
    for (const auto& fault : faults) std::cerr << "  " << fault << "\n";
    std::cerr << "Type yes to inject them: " << std::flush;
    std::string answer;
    if (std::getline(std::cin, answer) && answer == "yes") return true;
  }
  std::cerr << "loadgate: " << unconfirmed_faults_message(faults) << ". Nothing was sent\n";
  return false;
}

}  // namespace loadgate::cli
