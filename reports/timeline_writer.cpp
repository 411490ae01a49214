#include "reports/timeline_writer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {

void TimelineWriter::write(const TimelinePoint& point) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& w : point.workloads) {
    workloads.push_back(
        {{"name", w.name},
         {"attempts", w.attempts()},
         {"ok", w.ok},
         {"expected_failures", w.expected_failures},
         {"errors", w.errors},
         {"dropped", w.dropped},
         {"in_flight", w.in_flight},
         {"vus", w.vus},
         {"latency_us",
          {{"p50", w.p50_us},
           {"p90", w.p90_us},
           {"p95", w.p95_us},
           {"p99", w.p99_us},
           {"p99_9", w.p99_9_us},
           {"max", w.max_us}}},
         {"schedule_lag_us", {{"p99", w.schedule_lag_p99_us}, {"max", w.schedule_lag_max_us}}}});
  }
  nlohmann::json line = {{"i", point.index},
                         {"t", std::chrono::duration<double>(point.end).count()},
                         {"length", std::chrono::duration<double>(point.length).count()},
                         {"phase", point.phase},
                         {"generator_cpu", point.generator_cpu},
                         {"workloads", workloads}};
  lines_.write(line);
}

}  // namespace loadgate
