#include "cli/report_command.h"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/verdict_exit.h"
#include "harness/text_file.h"
#include "reports/claims.h"
#include "reports/console_summary.h"
#include "reports/html_report.h"
#include "reports/json_result.h"
#include "reports/junit_report.h"
#include "reports/markdown_summary.h"
#include "reports/result_reader.h"

namespace loadgate::cli {

int report(const ReportArgs& args) {
  RunResult run;
  try {
    run = read_run(args.run_dir);
    if (!args.claims.empty()) {
      run.claims.clear();
      for (const auto& file : args.claims)
        for (const auto& claim : load_claims(file)) run.claims.push_back(judge(claim, run));
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  std::ostringstream text;
  const bool to_terminal = !args.out && isatty(STDOUT_FILENO);
  if (args.format == "console")
    print_summary(run, text, to_terminal);
  else if (args.format == "json")
    text << result_to_json(run) << "\n";
  else if (args.format == "junit")
    text << junit_xml(run);
  else if (args.format == "markdown")
    text << markdown_summary(run);
  else
    text << html_report(run);
  if (!args.out) {
    std::cout << text.str();
  } else {
    try {
      write_text_file(*args.out, text.str());
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
  command->add_option("--format", args.format, "console, json, junit, markdown or html")
      ->check(CLI::IsMember({"console", "json", "junit", "markdown", "html"}))
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
