// loadgate: drive load and faults at a deployment, and judge its scaling claims.
#include <malloc.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/calibrate_command.h"
#include "cli/compare_command.h"
#include "cli/gate_command.h"
#include "cli/history_command.h"
#include "cli/phase2_command.h"
#include "cli/recover_command.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "cli/soak_command.h"
#include "cli/testbed_command.h"

int main(int argc, char** argv) {
  // One malloc arena for every thread. glibc gives each busy thread an arena of its own (up to
  // 8 per core), and each keeps the high-water mark of what it once held: a soak's fault peaks
  // (a thousand requests in flight, a reconnect storm on the sql threads) ratcheted RSS up by
  // 16 MB/h over a 10-minute run, against 2 MB/h with one arena. The per-thread tcache still
  // serves the hot path's small allocations without the arena's lock. A user's own
  // MALLOC_ARENA_MAX wins.
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 1);
  CLI::App app{
      "loadgate: benchmarking and chaos testing of auth + DB-bound services against the claims "
      "of their scaling documents.\n\n"
      "  loadgate testbed up                  start the local reference deployment\n"
      "  loadgate run scenarios/demo.yaml     drive a scenario, print a summary, write "
      "result.json\n"
      "  loadgate report out/RUN --format html -o report.html\n"
      "                                       render a run again, re-judge its claims\n"
      "  loadgate compare out/BASE out/NEW    the regressions between two runs\n"
      "  loadgate soak scenarios/soak/testbed.yaml --for 12h --window 10m\n"
      "                                       nightly soak: faults on a cycle, windows judged\n"
      "  loadgate gate scenarios/demo.yaml --baseline base.json\n"
      "                                       release gate: repeats, baseline, exit code\n"
      "  loadgate calibrate -o calib.json     physics ceilings: bcrypt and JWT per core\n"
      "  loadgate recover out/RUN             recover the faults a killed run left injected\n"
      "  loadgate testbed down                stop it again\n"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "loadgate 0.1.0");
  int exit_code = 0;

  loadgate::cli::add_run_command(app, exit_code);
  loadgate::cli::add_soak_command(app, exit_code);
  loadgate::cli::add_report_command(app, exit_code);
  loadgate::cli::add_compare_command(app, exit_code);
  loadgate::cli::add_gate_command(app, exit_code);
  loadgate::cli::add_history_command(app, exit_code);
  loadgate::cli::add_trend_command(app, exit_code);
  loadgate::cli::add_phase2_command(app, exit_code);
  loadgate::cli::add_calibrate_command(app, exit_code);
  loadgate::cli::add_recover_command(app, exit_code);
  loadgate::cli::add_testbed_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
