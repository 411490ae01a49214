// `loadgate report RUN_DIR`: renders a finished run in any format, and re-judges it against
// claims files without running again (a claim pack written after the run, a corrected quote).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace loadgate::cli {

struct ReportArgs {
  std::filesystem::path run_dir;
  std::string format = "console";             // console | json | junit | markdown | html
  std::vector<std::filesystem::path> claims;  // judged afresh, in place of the stored verdicts
  std::optional<std::filesystem::path> out;   // default: standard output
  bool gate = false;
};

// Exit codes as `loadgate run`: 0 every claim held, 1 a claim broken (with --gate, also one not
// measured) or an acknowledged write lost, 2 the run directory or a claims file is unreadable.
int report(const ReportArgs& args);

void add_report_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
