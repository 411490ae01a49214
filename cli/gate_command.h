// `loadgate gate SCENARIO --baseline REF`: the release acceptance gate. Runs the scenario
// several times, judges each run as `loadgate run` does, compares the repeats' per-interval
// figures with a stored baseline by a rank test (reports/gate_report.h), and writes what CI
// reads: gate.json, junit.xml and summary.md (also to $GITHUB_STEP_SUMMARY), beside each
// repeat's own results.
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

void add_gate_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
