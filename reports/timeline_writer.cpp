#include "reports/timeline_writer.h"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/histogram_json.h"

namespace loadgate {

TimelineWriter::TimelineWriter(const std::filesystem::path& file) : file_(file) {
  std::filesystem::create_directories(file.parent_path());
  out_.open(file, std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("cannot write the timeline {}", file.string()));
}

void TimelineWriter::write(const IntervalSample& sample) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& w : sample.workloads) {
    workloads.push_back(
        {{"name", w.name},
         {"attempts", w.attempts()},
         {"ok", w.ok},
         {"expected_failures", w.expected_failures},
         {"errors", w.errors},
         {"dropped", w.dropped},
         {"in_flight", w.in_flight},
         {"vus", w.vus},
         {"latency_us", percentiles_json(w.latency)},
         {"schedule_lag_us",
          {{"p99", w.schedule_lag.value_at_percentile(99)}, {"max", w.schedule_lag.max()}}}});
  }
  nlohmann::json line = {{"i", sample.index},
                         {"t", std::chrono::duration<double>(sample.end).count()},
                         {"phase", sample.phase},
                         {"generator_cpu", sample.generator_cpu},
                         {"workloads", workloads}};
  out_ << line.dump() << '\n';
  out_.flush();
}

}  // namespace loadgate
