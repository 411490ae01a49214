#include "cli/recover_command.h"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "faults/fault_journal.h"

namespace loadgate::cli {

void add_recover_command(CLI::App& app, int& exit_code) {
  auto run_dir = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "recover", "recover the faults a killed run left injected, from its OUT/faults.journal");
  command->add_option("run_dir", *run_dir, "the killed run's results directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->footer(
      "A run writes each injection to OUT/faults.journal before it runs and marks it once\n"
      "recovered. A run stopped by Ctrl-C, SIGTERM or its end recovers everything itself; one\n"
      "killed (kill -9, the OOM killer) cannot, and this does it: each fault still marked\n"
      "injected is rebuilt from the scenario the run had (kept in the journal) and recovered,\n"
      "assuming it got as far as it could, and marked in the journal. Command faults run their\n"
      "recover command in the run's directory with this shell's environment.\n"
      "  loadgate recover out/aws-rds-failover-20261203T101500\n"
      "Exit codes: 0 nothing was left, or all of it recovered; 1 a fault could not be\n"
      "recovered (said, and kept pending: run it again); 2 no journal, the run is still alive,\n"
      "or its scenario cannot be read.");
  command->callback([&exit_code, run_dir] {
    try {
      exit_code = recover_pending(*run_dir, std::cout) == 0 ? 0 : 1;
    } catch (const std::exception& e) {
      std::cerr << "loadgate: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace loadgate::cli
