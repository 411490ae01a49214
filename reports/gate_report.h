// The release gate's verdict (`loadgate gate`): each repeat of the scenario judged as a run is
// (claims, SLO, lost writes, faults, health), and the repeats' per-interval samples compared
// with a baseline's by a rank test, as benchstat does. A change is a regression only when it is
// significant (the rank test over intervals), larger than the minimum effect and the metric's
// floor, AND larger than the baseline's own run-to-run spread: intervals of one run are alike in
// a way intervals of two runs are not (the machine's moment, fresh connections), so the rank
// test alone calls run-to-run noise significant. Otherwise "~".
//
// Exit codes, gravest first: 1 a claim broken, an SLO missed, a write lost or a significant
// regression; 2 a repeat could not run or left the deployment unhealthy; 3 inconclusive (the
// generator was the limit, a claim not measured, too few samples, another offered load); 0 pass.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/results.h"
#include "reports/gate_samples.h"
#include "reports/run_verdict.h"

namespace loadgate {

struct GateSettings {
  double alpha = 0.05;       // family-wise: split over the gate's tests (Bonferroni)
  double min_effect = 0.10;  // and its centre moved by more than this share of the baseline's
  size_t min_samples = 8;    // per side: fewer and the metric is not compared (inconclusive)
};

struct GateRow {
  enum class Verdict { same, better, worse, not_compared };
  std::string metric;  // "validate.latency.p99"
  Quantity quantity = Quantity::count;
  size_t baseline_n = 0, current_n = 0;
  double baseline_centre = 0, current_centre = 0;  // GateMetric::median says which centre
  std::optional<double> change;                    // relative; empty when the baseline's is 0
  double p = 1;
  double run_spread = 0;  // the largest distance of one baseline run's centre from the whole's
  Verdict verdict = Verdict::not_compared;
  std::string note;  // why not compared: "7 samples in the baseline (8 needed)"
};

struct GateComparison {
  std::string baseline;  // where it came from, as given
  GateSettings settings;
  size_t baseline_runs = 0;
  size_t tests = 0;           // metrics compared (not "not compared")
  double alpha_per_test = 0;  // settings.alpha over `tests`
  std::vector<GateRow> rows;
};

GateComparison compare_samples(const GateSamples& baseline, const GateSamples& current,
                               const GateSettings& settings);

// One repeat as a run judges it, sorted by what its problems mean for the exit code.
struct GateRepeat {
  std::filesystem::path dir;
  RunResult result;
  RunVerdict verdict;
};
GateRepeat judge_repeat(std::filesystem::path dir, RunResult result);

struct GateOutcome {
  std::string scenario;
  std::vector<GateRepeat> repeats;
  std::optional<GateComparison> comparison;  // empty: no baseline yet (a first --update-baseline)
  std::vector<std::string> errors;           // the gate's own: a repeat that never started
  int exit_code() const;
  std::string verdict() const;  // "PASS", "FAIL", "ERROR", "INCONCLUSIVE"
};

std::string gate_console(const GateOutcome& gate);
// For a pull request: verdict, the comparison (regressions first), each repeat's problems.
// Kept under `max_bytes` (GitHub's step summary takes 1 MiB): rows past it are counted, not shown.
std::string gate_markdown(const GateOutcome& gate, size_t max_bytes = 1000 * 1024);
// One suite per repeat (its claims and checks, as `loadgate run` writes them) and one testcase
// per compared metric.
std::string gate_junit(const GateOutcome& gate);
// gate.json: the verdict, the comparison and the current samples (a later gate's baseline).
nlohmann::json gate_json(const GateOutcome& gate, const GateSamples& samples);

}  // namespace loadgate
