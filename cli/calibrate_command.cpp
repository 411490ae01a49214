#include "cli/calibrate_command.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "harness/calibration.h"
#include "harness/text_file.h"

namespace loadgate::cli {
namespace {

struct CalibrateArgs {
  std::vector<int> bcrypt_costs = {10, 12};
  double seconds = 2;
  std::string out = "calibration.json";
};

int calibrate_machine(const CalibrateArgs& args) {
  Calibration calibration;
  try {
    calibration = calibrate(args.bcrypt_costs, std::chrono::duration_cast<Duration>(
                                                   std::chrono::duration<double>(args.seconds)));
  } catch (const std::exception& e) {
    std::cerr << "loadgate: calibration failed: " << e.what() << "\n";
    return 2;
  }
  std::cout << fmt::format("one core of {}:\n", calibration.cpu);
  for (const auto& [cost, rate] : calibration.bcrypt_verify_per_core)
    std::cout << fmt::format("  bcrypt verification at cost {:<3} {:>12.1f}/s\n", cost, rate);
  for (const auto& [algorithm, rate] : calibration.jwt_verify_per_core)
    std::cout << fmt::format("  {} verification            {:>12.1f}/s\n", algorithm, rate);
  try {
    write_text_file(args.out, calibration_to_json(calibration).dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  std::cout << fmt::format("written to {}: name it in a scenario as target.calibration\n",
                           args.out);
  return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CalibrateArgs>();
  auto* command = app.add_subcommand(
      "calibrate", "measure what one core does per second of bcrypt and JWT verification");
  command
      ->add_option("--bcrypt-cost", args->bcrypt_costs,
                   "bcrypt costs to measure (repeatable; the target's own must be among them)")
      ->check(CLI::Range(4, 16))
      ->capture_default_str();
  command->add_option("--seconds", args->seconds, "how long to measure each figure")
      ->check(CLI::Range(0.1, 60.0))
      ->capture_default_str();
  command->add_option("-o,--output", args->out, "the calibration file to write")
      ->capture_default_str();
  command->footer(
      "Run it on the target's CPU class (or on this machine, for the testbed). A scenario that\n"
      "names the file (target: {calibration: calibration.json, vcpu_per_instance: 1,\n"
      "bcrypt_cost: 12}) gets a physics ceiling for each login workload (bcrypt at the target's\n"
      "cost) and jwt workload (its algorithm), and a capacity or throughput claim above\n"
      "ceiling x vCPUs is broken as physically impossible, however the run went:\n"
      "  broken: the ceiling on 1 vCPU for bcrypt verification at cost 12 is 4.8/s: the claim\n"
      "  of 50.0/s is physically impossible\n"
      "Exit codes: 0 written, 2 a measurement or the file failed.");
  command->callback([&exit_code, args] { exit_code = calibrate_machine(*args); });
}

}  // namespace loadgate::cli
