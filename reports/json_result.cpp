#include "reports/json_result.h"

#include <fstream>
#include <stdexcept>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/console_summary.h"

namespace loadgate {
namespace {

using nlohmann::json;

json histogram_json(const Histogram& h) {
  return {{"count", h.count()},
          {"min", h.min()},
          {"mean", h.mean()},
          {"p50", h.value_at_percentile(50)},
          {"p90", h.value_at_percentile(90)},
          {"p95", h.value_at_percentile(95)},
          {"p99", h.value_at_percentile(99)},
          {"p99_9", h.value_at_percentile(99.9)},
          {"max", h.max()},
          {"out_of_range", h.out_of_range()}};
}

double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

std::string result_to_json(const RunResult& run) {
  json workloads = json::array();
  for (const auto& w : run.workloads) {
    workloads.push_back({{"name", w.name},
                         {"kind", w.kind},
                         {"offered_rate", w.offered_rate},
                         {"achieved_rate", achieved_rate(w, run)},
                         {"scheduled", w.scheduled},
                         {"attempts", w.attempts()},
                         {"ok", w.ok},
                         {"expected_failures", w.expected_failures},
                         {"dropped", w.dropped},
                         {"error_count", w.error_count()},
                         {"errors", w.errors},
                         {"latency_us", histogram_json(w.latency)},
                         {"service_time_us", histogram_json(w.service_time)},
                         {"schedule_lag_us", histogram_json(w.schedule_lag)}});
  }
  json doc = {{"schema", "loadgate.result/1"},
              {"scenario", run.scenario},
              {"started_at", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                                         std::chrono::floor<std::chrono::seconds>(run.started_at))},
              {"planned_duration_s", seconds(run.planned_duration)},
              {"elapsed_s", seconds(run.elapsed)},
              {"interrupted", run.interrupted},
              {"targets", run.targets},
              {"workloads", workloads}};
  return doc.dump(2);
}

void write_json_result(const RunResult& run, const std::filesystem::path& file) {
  std::filesystem::create_directories(file.parent_path());
  auto temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary);
    out << result_to_json(run) << "\n";
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temporary.string()));
  }
  std::filesystem::rename(temporary, file);
}

}  // namespace loadgate
