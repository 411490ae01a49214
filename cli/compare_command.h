// `loadgate compare BASELINE_RUN CURRENT_RUN`: per-metric deltas of two finished runs, and the
// regressions beyond a tolerance (reports/run_comparison.h), for a nightly soak or a release gate.
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

// Exit codes: 0 no regression, 1 a regression, 2 a run directory could not be read.
void add_compare_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
