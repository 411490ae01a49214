#include "cli/compare_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "harness/expectation.h"
#include "harness/text_file.h"
#include "reports/result_reader.h"
#include "reports/run_comparison.h"

namespace loadgate::cli {
namespace {

struct CompareArgs {
  std::string baseline, current;
  std::string format = "console";
  std::string tolerance = "10%";
  std::string out;
};

int compare(const CompareArgs& args) {
  RunComparison comparison;
  try {
    const Value tolerance = parse_value(args.tolerance);
    if (tolerance.quantity != Quantity::share || tolerance.amount < 0)
      throw std::invalid_argument(
          fmt::format("--tolerance {}: expected a share, such as 10%", args.tolerance));
    comparison = compare_runs(read_run(args.baseline), read_run(args.current), tolerance.amount);
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  const std::string text =
      args.format == "markdown" ? comparison_markdown(comparison) : comparison_console(comparison);
  if (args.out.empty()) {
    std::cout << text;
  } else {
    try {
      write_text_file(args.out, text);
    } catch (const std::exception& e) {
      std::cerr << "loadgate: " << e.what() << "\n";
      return 2;
    }
  }
  return comparison.regressions() > 0 ? 1 : 0;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CompareArgs>();
  auto* command = app.add_subcommand(
      "compare", "compare two finished runs metric by metric and name the regressions");
  command->add_option("baseline", args->baseline, "the baseline run's results directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->add_option("current", args->current, "the run to judge against it")
      ->required()
      ->check(CLI::ExistingDirectory);
  command
      ->add_option("--tolerance", args->tolerance,
                   "how much worse a rate, latency or downtime may get before it counts as a "
                   "regression")
      ->capture_default_str();
  command->add_option("--format", args->format, "console or markdown")
      ->check(CLI::IsMember({"console", "markdown"}))
      ->capture_default_str();
  command->add_option("-o,--output", args->out, "write to this file (default: standard output)");
  command->footer(
      "Rules: a rate regresses when it falls by more than the tolerance; a latency or a fault's\n"
      "downtime when it rises by more than the tolerance and by over 1 ms (0.5 s for downtime);\n"
      "an error rate when it rises by over half a point; lost writes at any rise; a claim when\n"
      "it held and no longer does.\n"
      "Exit codes: 0 no regression, 1 a regression, 2 a directory could not be read.");
  command->callback([&exit_code, args] { exit_code = compare(*args); });
}

}  // namespace loadgate::cli
