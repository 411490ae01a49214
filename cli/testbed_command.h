// `loadgate testbed up|status|down` wired to CLI11.
#pragma once

#include <CLI/CLI.hpp>

namespace loadgate::cli {

// Adds the `testbed` subcommand to `app`; `exit_code` receives the result when it runs.
void add_testbed_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
