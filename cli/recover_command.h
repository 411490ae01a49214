// `loadgate recover OUT`: puts back the faults a run left injected when it was killed (SIGKILL,
// the OOM killer, a lost session), from its fault journal (faults/fault_journal.h).
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

void add_recover_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
