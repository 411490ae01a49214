// `--allow-target HOST` and `--confirm-faults` for every command that runs load (run, soak, gate,
// phase2): the command line's half of the target guard (session/target_guard.h).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace loadgate::cli {

struct TargetArgs {
  std::vector<std::string> allow;  // hosts beyond this machine the runs may reach
  bool confirm_faults = false;     // faults may act beyond this machine
};

void add_target_options(CLI::App* command, TargetArgs& args);

// Whether the faults `faults` lists (target_guard's faults_to_confirm, none: true at once) may be
// injected: --confirm-faults says so, or, on a terminal, the user types "yes". Otherwise prints
// why not and returns false: nothing has been sent.
bool faults_confirmed(const std::vector<std::string>& faults, const TargetArgs& args);

}  // namespace loadgate::cli
