#include "reports/console_summary.h"

#include <chrono>
#include <ostream>

#include <fmt/format.h>

namespace loadgate {
namespace {

std::string ms(int64_t micros) {
  return fmt::format("{:.2f}ms", static_cast<double>(micros) / 1000.0);
}

}  // namespace

double achieved_rate(const WorkloadResult& workload, const RunResult& run) {
  const double seconds = std::chrono::duration<double>(run.elapsed).count();
  return seconds > 0 ? static_cast<double>(workload.attempts()) / seconds : 0.0;
}

void print_summary(const RunResult& run, std::ostream& out) {
  out << fmt::format("\nloadgate: scenario {} ran {} of {}{} against {}\n", run.scenario,
                     format_duration(run.elapsed), format_duration(run.planned_duration),
                     run.interrupted ? " (INTERRUPTED)" : "", fmt::join(run.targets, ", "));
  out << fmt::format("{:<12} {:<5} {:>10} {:>10} {:>9} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
                     "workload", "kind", "offered", "achieved", "requests", "ok", "errors",
                     "dropped", "p50", "p90", "p99", "max");
  for (const auto& w : run.workloads) {
    const Histogram& h = w.latency;
    out << fmt::format(
        "{:<12} {:<5} {:>8.1f}/s {:>8.1f}/s {:>9} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
        w.name, w.kind, w.offered_rate, achieved_rate(w, run), w.attempts(),
        w.ok + w.expected_failures, w.error_count(), w.dropped, ms(h.value_at_percentile(50)),
        ms(h.value_at_percentile(90)), ms(h.value_at_percentile(99)), ms(h.max()));
  }
  for (const auto& w : run.workloads) {
    std::string errors = "none";
    if (!w.errors.empty()) {
      errors.clear();
      for (const auto& [error_class, count] : w.errors)
        errors += fmt::format("{}{} {}", errors.empty() ? "" : ", ", error_class, count);
    }
    out << fmt::format(
        "  {}: errors: {}; latency from intended start (service time) p99 {} ({}); schedule lag "
        "p99 {}\n",
        w.name, errors, ms(w.latency.value_at_percentile(99)),
        ms(w.service_time.value_at_percentile(99)), ms(w.schedule_lag.value_at_percentile(99)));
  }
}

}  // namespace loadgate
