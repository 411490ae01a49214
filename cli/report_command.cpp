#include "cli/report_command.h"

#include <unistd.h>

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/verdict_exit.h"
#include "harness/text_file.h"
#include "reports/claims.h"
#include "reports/report_formats.h"
#include "reports/result_reader.h"
#include "session/run_plan.h"

namespace loadgate::cli {

int report(const ReportArgs& args) {
  RunResult run;
  try {
    std::vector<Claim> claims;
    for (const auto& file : args.claims)
      for (auto& claim : load_claims(file)) claims.push_back(std::move(claim));
    // The files are folded again, with what claims written after the run need.
    run = read_run(args.run_dir, fold_request_for(claims));
    if (!args.claims.empty()) {
      check_claims(claims, metric_vocabulary(run));
      run.claims.clear();
      for (const auto& claim : claims) run.claims.push_back(judge(claim, run));
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  const bool to_terminal = !args.out && isatty(STDOUT_FILENO);
  const std::string text = find_report_format(args.format)->render(run, to_terminal);
  if (!args.out) {
    std::cout << text;
  } else {
    try {
      write_text_file(*args.out, text);
    } catch (const std::exception& e) {
      std::cerr << "loadgate: " << e.what() << "\n";
      return 2;
    }
  }
  return verdict_exit_code(run, args.gate, std::cerr);
}

void add_report_command(CLI::App& app, int& exit_code) {
  // Owned by the callback, which CLI11 keeps as long as the app.
  auto args_holder = std::make_shared<ReportArgs>();
  auto out = std::make_shared<std::string>();
  ReportArgs& args = *args_holder;
  auto* command = app.add_subcommand(
      "report", "render a finished run again, in any format, and re-judge its claims");
  command->add_option("run_dir", args.run_dir, "the run's results directory (holds result.json)")
      ->required()
      ->check(CLI::ExistingDirectory);
  std::string formats;
  for (const auto& format : report_formats())
    formats += fmt::format("\n  {:<9} {}{}", format.name, format.description,
                           format.file ? fmt::format(" (the run's {})", format.file) : "");
  command->add_option("--format", args.format, "one of:" + formats)
      ->check(CLI::IsMember(report_format_names()))
      ->capture_default_str();
  command
      ->add_option("--claims", args.claims,
                   "judge these claims files (repeatable) instead of the verdicts stored "
                   "with the run")
      ->check(CLI::ExistingFile);
  command->add_option("-o,--output", *out, "write to this file (default: standard output)");
  command->add_flag("--gate", args.gate, "a claim not measured fails too (exit 1)");
  command->footer(
      "Examples:\n"
      "  loadgate report out/mix-20261202T101500 --format html -o report.html\n"
      "  loadgate report out/mix-20261202T101500 --claims scenarios/claims/003-scaling-to-"
      "thousands.yaml\n"
      "Exit codes: 0 every claim held, 1 a claim broken (with --gate also one not measured) or a\n"
      "write lost, 2 the directory or a claims file could not be read.");
  command->callback([&exit_code, args_holder, out] {
    if (!out->empty()) args_holder->out = *out;
    exit_code = report(*args_holder);
  });
}

}  // namespace loadgate::cli
