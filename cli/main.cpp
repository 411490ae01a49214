// loadgate: drive load and faults at a deployment, and judge its scaling claims.
#include <malloc.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/calibrate_command.h"
#include "cli/compare_command.h"
#include "cli/gate_command.h"
#include "cli/phase2_command.h"
#include "cli/recover_command.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "cli/testbed_command.h"
#include "harness/units.h"

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
      "  loadgate gate scenarios/demo.yaml --baseline base.json\n"
      "                                       release gate: repeats, baseline, exit code\n"
      "  loadgate calibrate -o calib.json     physics ceilings: bcrypt and JWT per core\n"
      "  loadgate recover out/RUN             recover the faults a killed run left injected\n"
      "  loadgate testbed down                stop it again\n"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "loadgate 0.1.0");
  int exit_code = 0;

  loadgate::cli::RunArgs run_args;
  std::string out, testbed;
  auto* run = app.add_subcommand("run", "run a scenario (YAML) and write its results");
  run->add_option("scenario", run_args.scenario, "scenario file, e.g. scenarios/demo.yaml")
      ->required();
  run->add_option("--out", out, "results directory (default: out/<scenario>-<UTC time>)");
  run->add_option("--testbed", testbed,
                  "target this testbed directory instead of the scenario's target");
  run->add_option("--set", run_args.overrides,
                  "override a scenario value, e.g. --set workloads.validate.executor.rate=50/s "
                  "(repeatable; checked like the file)");
  run->add_option("--claims", run_args.claims,
                  "a claims file to judge the run by (repeatable; adds to the scenario's claims:)");
  run->add_flag("--gate", run_args.gate,
                "a release gate: a claim that could not be measured fails the run (exit 1)");
  std::string metrics_linger;
  run->add_option("--metrics", run_args.metrics,
                  "serve live metrics in Prometheus's text format at http://HOST:PORT/metrics "
                  "while the run goes, e.g. 127.0.0.1:9464 (port 0: any free one)");
  run->add_option("--metrics-linger", metrics_linger,
                  "after the run, keep --metrics up until a scrape has read the final counts, "
                  "at most this long (default 15s, Prometheus's default scrape interval)");
  run->add_flag("--dry-run", run_args.dry_run,
                "check the scenario and print what would run (fault commands included); send "
                "nothing");
  run->footer(
      "Ready scenarios: scenarios/{demo,jwt,login,api,sql,mix,login-then-use,capacity-login}.yaml\n"
      "and "
      "scenarios/faults/*.yaml; every key is described in the README (Scenarios, Faults).\n"
      "Claims are checked before the run: a misspelt metric, phase or fault kind is an error\n"
      "naming its line. Ctrl-C ends the run cleanly (faults recovered, results written).\n"
      "Results: OUT/result.json, timeline.jsonl (every interval, with its histograms),\n"
      "observations.jsonl, junit.xml, summary.md, report.html, hdr/<workload>.hlog,\n"
      "ledgers/<workload>.writes, faults/<name>.log (command faults).\n"
      "Exit codes: 0 completed, 1 an acknowledged write was lost or a claim broken (with\n"
      "--gate, also one not measured), 2 could not run or ended early (bad scenario,\n"
      "unreachable target, a results file that could not be written, a fault that failed or\n"
      "left the deployment unhealthy), 130 interrupted.");
  run->callback([&] {
    if (!out.empty()) run_args.out = out;
    if (!testbed.empty()) run_args.testbed = testbed;
    if (!metrics_linger.empty()) {
      const auto linger = loadgate::parse_duration(metrics_linger);
      if (!linger) {
        std::cerr << "loadgate: --metrics-linger " << metrics_linger
                  << ": not a duration (15s, 500ms, 1m)\n";
        exit_code = 2;
        return;
      }
      run_args.metrics_linger = *linger;
    }
    exit_code = loadgate::cli::run(run_args);
  });

  loadgate::cli::add_report_command(app, exit_code);
  loadgate::cli::add_compare_command(app, exit_code);
  loadgate::cli::add_gate_command(app, exit_code);
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
