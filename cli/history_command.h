// The history store on the command line: `--history DB` and `--label KEY=VALUE` for the commands
// that record what they ran (run, soak, gate, phase2), and the commands that read it back:
// `loadgate history SCENARIO` (the nights, a line each) and `loadgate trend SCENARIO` (the page).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace loadgate::cli {

struct HistoryArgs {
  std::optional<std::string> where;  // an SQLite file or a Postgres DSN; LOADGATE_HISTORY
  std::vector<std::string> labels;   // KEY=VALUE
};

// Adds --history (and LOADGATE_HISTORY) and --label to `command`; `recording` says for what.
void add_history_options(CLI::App* command, HistoryArgs& args, bool recording = true);

// Before any load: the labels well formed and the store opened (its tables created), so that a
// bad DSN costs nothing. Prints why not and returns false.
bool history_usable(const HistoryArgs& args);

// After the command wrote its results to `dir`: records them (a no-op without --history) and
// returns the exit code to end with: `exit_code`, or 2 when it was 0 and the recording failed
// (a nightly job must not lose its history silently).
int record_in_history(const HistoryArgs& args, const std::filesystem::path& dir,
                      const std::filesystem::path& scenario,
                      const std::vector<std::string>& overrides, int exit_code);

// A gate's baseline named in the history: "#17" (that entry) or "#latest" (the newest gate of
// `scenario` that passed): its samples as JSON; none for #latest before any gate passed (a note
// says so). Throws std::runtime_error saying why not.
std::optional<std::string> baseline_from_history(const HistoryArgs& args, const std::string& name,
                                                 const std::string& scenario);

void add_history_command(CLI::App& app, int& exit_code);
void add_trend_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
