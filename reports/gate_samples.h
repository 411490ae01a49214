// What the release gate compares (`loadgate gate`): each workload's per-interval figures over
// the recorded phases of every repeat, the samples a rank test needs (one run's total is one
// sample; its thirty intervals are thirty). Read from a run's files, so a baseline can be any
// finished run, a gate's output, or a small JSON file kept in the repository.
//
//   {"schema": "loadgate.gate-samples/1", "scenario": "demo", "runs": 3,
//    "workloads": [{"name": "validate", "offered_rate": 500, "peak_vus": 0,
//                   "samples": {"throughput": [[...], [...], [...]], "errors.rate": [...],
//                               "latency.p50": [...], "latency.p99": [...]}}]}
//
// Each figure keeps its values run by run (a list per run): how far the baseline's runs differ
// among themselves is the noise a change must exceed. Units as everywhere: successes/s, shares,
// seconds.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/expectation.h"
#include "harness/results.h"

namespace loadgate {

// A per-interval figure the gate compares, and which way is better.
struct GateMetric {
  const char* name;  // "latency.p99"
  Quantity quantity;
  bool higher_is_better;
  // An absolute change below this is never a regression, however significant: a rank test on
  // thousands of intervals finds microsecond shifts that no user would call one.
  double floor;
  // The figure a change is measured on: the median of the intervals' values (a percentile's), or
  // their mean (a rate's: most intervals of a healthy run have no error, so its median is 0).
  bool median;
};
const std::vector<GateMetric>& gate_metrics();

// One figure's values, a list per run.
using RunSamples = std::vector<std::vector<double>>;
std::vector<double> all_values(const RunSamples& runs);

struct GateSamples {
  struct Workload {
    std::string name;
    double offered_rate = 0;  // open model: what the schedule asked for (compared, not sampled)
    uint64_t peak_vus = 0;    // closed model: the same
    std::map<std::string, RunSamples> samples;  // by GateMetric::name
  };
  std::string scenario;
  size_t runs = 0;
  std::vector<Workload> workloads;  // in the scenario's order

  // Adds another run of the same scenario: its workloads' samples after these.
  void append(const GateSamples& other);
  const Workload* workload(const std::string& name) const;
};

// The samples of one finished run: its recorded phases and workloads from `run`, its intervals
// from `run_dir`'s timeline.jsonl. Throws std::runtime_error naming the file.
GateSamples samples_of_run(const RunResult& run, const std::filesystem::path& run_dir);
// The same of a run read back from its directory (result.json, then the timeline).
GateSamples samples_of_run(const std::filesystem::path& run_dir);

// A baseline by what `path` is: a samples file (*.json), a gate's output directory (its
// gate.json), or a run's directory (result.json). Throws std::runtime_error naming the path.
GateSamples read_gate_samples(const std::filesystem::path& path);

nlohmann::json samples_to_json(const GateSamples& samples);
// Throws std::runtime_error naming `origin` for another schema or a missing field.
GateSamples samples_from_json(const nlohmann::json& j, const std::string& origin);

}  // namespace loadgate
