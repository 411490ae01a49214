#include "reports/gate_samples.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/text_file.h"
#include "reports/result_reader.h"
#include "reports/timeline_file.h"

namespace loadgate {
namespace {

constexpr const char* kSchema = "loadgate.gate-samples/1";

// One interval's figures for one workload; a figure the interval cannot give (a percentile of
// no response, an error rate of no attempt) is left out, never counted as 0.
void add_interval(const WorkloadInterval& w, Duration length,
                  std::map<std::string, std::vector<double>>& into) {
  const double length_s = seconds(length);
  if (length_s <= 0) return;
  into["throughput"].push_back(static_cast<double>(w.ok + w.expected_failures) / length_s);
  if (w.attempts() > 0)
    into["errors.rate"].push_back(static_cast<double>(w.error_count()) /
                                  static_cast<double>(w.attempts()));
  if (w.latency.count() > 0) {
    into["latency.p50"].push_back(static_cast<double>(w.latency.value_at_percentile(50)) / 1e6);
    into["latency.p99"].push_back(static_cast<double>(w.latency.value_at_percentile(99)) / 1e6);
  }
}

}  // namespace

const std::vector<GateMetric>& gate_metrics() {
  static const std::vector<GateMetric> metrics = {
      {"throughput", Quantity::rate, true, 0, false},
      {"errors.rate", Quantity::share, false, 0.005, false},
      {"latency.p50", Quantity::duration, false, 0.0005, true},
      {"latency.p99", Quantity::duration, false, 0.0005, true},
  };
  return metrics;
}

void GateSamples::append(const GateSamples& other) {
  if (scenario.empty()) scenario = other.scenario;
  runs += other.runs;
  for (const auto& w : other.workloads) {
    auto it = std::find_if(workloads.begin(), workloads.end(),
                           [&](const Workload& mine) { return mine.name == w.name; });
    if (it == workloads.end()) {
      workloads.push_back(w);
      continue;
    }
    for (const auto& [metric, runs] : w.samples) {
      auto& mine = it->samples[metric];
      mine.insert(mine.end(), runs.begin(), runs.end());
    }
  }
}

std::vector<double> all_values(const RunSamples& runs) {
  std::vector<double> values;
  for (const auto& run : runs) values.insert(values.end(), run.begin(), run.end());
  return values;
}

const GateSamples::Workload* GateSamples::workload(const std::string& name) const {
  for (const auto& w : workloads)
    if (w.name == name) return &w;
  return nullptr;
}

GateSamples samples_of_run(const std::filesystem::path& run_dir) {
  return samples_of_run(read_run(run_dir), run_dir);
}

GateSamples samples_of_run(const RunResult& run, const std::filesystem::path& run_dir) {
  GateSamples samples;
  samples.scenario = run.scenario;
  samples.runs = 1;
  for (const auto& w : run.workloads)
    samples.workloads.push_back({w.name, w.offered_rate, w.peak_vus, {}});
  std::set<std::string> recorded;
  for (const auto& phase : run.phases)
    if (phase.recorded) recorded.insert(phase.name);
  std::vector<std::map<std::string, std::vector<double>>> values(samples.workloads.size());
  read_timeline(run_dir / "timeline.jsonl", [&](const IntervalRecord& interval) {
    if (!recorded.count(interval.phase)) return;  // warmup: left out, as from every total
    for (size_t i = 0; i < interval.workloads.size() && i < values.size(); ++i)
      add_interval(interval.workloads[i], interval.length, values[i]);
  });
  for (size_t i = 0; i < values.size(); ++i)
    for (auto& [metric, list] : values[i]) samples.workloads[i].samples[metric] = {std::move(list)};
  return samples;
}

GateSamples read_gate_samples(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(path)) {
    if (std::filesystem::exists(path / "result.json")) return samples_of_run(path);
    file = path / "gate.json";
  }
  const auto text = read_text_file(file);
  if (!text)
    throw std::runtime_error(fmt::format(
        "{}: no baseline there (expected a samples file, a gate's output directory with "
        "gate.json, or a run's directory with result.json)",
        path.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: not JSON: {}", file.string(), e.what()));
  }
  // A gate's output holds its samples under "samples", beside its verdicts.
  return samples_from_json(j.contains("samples") ? j.at("samples") : j, file.string());
}

nlohmann::json samples_to_json(const GateSamples& samples) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& w : samples.workloads)
    workloads.push_back({{"name", w.name},
                         {"offered_rate", w.offered_rate},
                         {"peak_vus", w.peak_vus},
                         {"samples", w.samples}});
  return {{"schema", kSchema},
          {"scenario", samples.scenario},
          {"runs", samples.runs},
          {"workloads", workloads}};
}

GateSamples samples_from_json(const nlohmann::json& j, const std::string& origin) {
  try {
    if (j.value("schema", "") != kSchema)
      throw std::invalid_argument(fmt::format("schema is not {}", kSchema));
    GateSamples samples;
    samples.scenario = j.at("scenario");
    samples.runs = j.at("runs");
    for (const auto& w : j.at("workloads"))
      samples.workloads.push_back({w.at("name"), w.at("offered_rate"), w.at("peak_vus"),
                                   w.at("samples").get<std::map<std::string, RunSamples>>()});
    return samples;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: not gate samples: {}", origin, e.what()));
  }
}

}  // namespace loadgate
