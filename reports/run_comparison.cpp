#include "reports/run_comparison.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "reports/console_summary.h"

namespace loadgate {
namespace {

enum class Better { higher, lower };

struct Metric {
  Quantity quantity;
  Better better;
  double floor;  // an absolute change below this never regresses
  std::function<std::optional<double>(const RunResult&)> value;
  // Why a run's value cannot be judged (too few samples for the percentile, ...); empty if it can.
  std::function<std::string(const RunResult&)> unjudgeable = [](const RunResult&) {
    return std::string();
  };
};

const WorkloadResult* workload_of(const RunResult& run, const std::string& name) {
  for (const auto& w : run.workloads)
    if (w.name == name) return &w;
  return nullptr;
}

// The worst value of a fault kind's windows, as claims see it.
std::optional<double> worst_fault(
    const RunResult& run, const std::string& kind,
    const std::function<std::optional<double>(const FaultEvent&)>& of) {
  std::optional<double> worst;
  for (const auto& f : run.faults)
    if (f.kind == kind)
      if (auto value = of(f)) worst = std::max(worst.value_or(*value), *value);
  return worst;
}

std::string shown(const std::optional<double>& value, Quantity quantity) {
  return value ? format_value(*value, quantity) : std::string("-");
}

}  // namespace

bool same_offered_load(double rate_a, uint64_t vus_a, double rate_b, uint64_t vus_b) {
  return std::abs(rate_a - rate_b) <= 0.01 * std::max(rate_a, rate_b) && vus_a == vus_b;
}

size_t RunComparison::regressions() const {
  return static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [](const MetricDelta& d) { return d.regressed; }));
}

RunComparison compare_runs(const RunResult& baseline, const RunResult& current, double tolerance) {
  RunComparison comparison{baseline.scenario, current.scenario, tolerance, {}};
  // Metrics in a stable order: workloads as the current run lists them, then those only the
  // baseline had, then faults, ledgers and claims.
  std::vector<std::pair<std::string, Metric>> metrics;
  std::vector<std::string> workloads;
  for (const auto* run : {&current, &baseline})
    for (const auto& w : run->workloads)
      if (std::find(workloads.begin(), workloads.end(), w.name) == workloads.end())
        workloads.push_back(w.name);
  for (const auto& name : workloads) {
    // A rate says something of the target only against the same offered rate.
    const auto* before = workload_of(baseline, name);
    const auto* after = workload_of(current, name);
    const bool same_offer = before && after &&
                            same_offered_load(before->offered_rate, before->peak_vus,
                                              after->offered_rate, after->peak_vus);
    // Successes per second, as the claims' throughput (achieved_rate counts failures too).
    metrics.push_back({name + ".throughput",
                       {Quantity::rate, Better::higher, 0,
                        [name](const RunResult& r) -> std::optional<double> {
                          const auto* w = workload_of(r, name);
                          const double measured =
                              std::chrono::duration<double>(r.measured_duration()).count();
                          if (!w || measured <= 0) return std::nullopt;
                          return static_cast<double>(w->ok + w->expected_failures) / measured;
                        },
                        [same_offer](const RunResult&) {
                          return same_offer ? std::string() : "the offered load differs";
                        }}});
    metrics.push_back(
        {name + ".errors.rate", {Quantity::share, Better::lower, 0.005, [name](const RunResult& r) {
                                   const auto* w = workload_of(r, name);
                                   if (!w || w->attempts() == 0) return std::optional<double>();
                                   return std::optional(static_cast<double>(w->error_count()) /
                                                        static_cast<double>(w->attempts()));
                                 }}});
    // A percentile is judged only with at least 10 samples beyond it in each run (p99: 1000):
    // fewer, and one slow request moves it. The maximum is one sample: shown, never judged.
    for (const auto& [label, percentile] : std::vector<std::pair<std::string, double>>{
             {"p50", 50}, {"p95", 95}, {"p99", 99}, {"max", 100}})
      metrics.push_back({name + ".latency." + label,
                         {Quantity::duration, Better::lower, 0.001,
                          [name, p = percentile](const RunResult& r) {
                            const auto* w = workload_of(r, name);
                            if (!w || w->latency.count() == 0) return std::optional<double>();
                            return std::optional(
                                static_cast<double>(w->latency.value_at_percentile(p)) / 1e6);
                          },
                          [name, p = percentile](const RunResult& r) {
                            if (p >= 100) return std::string("one sample");
                            const auto* w = workload_of(r, name);
                            const double needed = 10 * 100 / (100 - p);
                            return w && static_cast<double>(w->latency.count()) >= needed
                                       ? std::string()
                                       : fmt::format("under {:g} samples", needed);
                          }}});
  }
  std::vector<std::string> kinds;
  for (const auto* run : {&current, &baseline})
    for (const auto& f : run->faults)
      if (std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end()) kinds.push_back(f.kind);
  for (const auto& kind : kinds) {
    metrics.push_back({"fault." + kind + ".downtime",
                       {Quantity::duration, Better::lower, 0.5, [kind](const RunResult& r) {
                          return worst_fault(r, kind, [](const FaultEvent& f) {
                            std::optional<double> worst;
                            for (const auto& i : f.impacts)
                              worst = std::max(worst.value_or(0), seconds(i.downtime));
                            return worst;
                          });
                        }}});
    metrics.push_back({"fault." + kind + ".clients_not_recovered",
                       {Quantity::count, Better::lower, 0, [kind](const RunResult& r) {
                          return worst_fault(r, kind, [](const FaultEvent& f) {
                            double count = 0;
                            for (const auto& c : f.clients)
                              count += static_cast<double>(c.tried - c.recovered);
                            return std::optional(count);
                          });
                        }}});
  }
  metrics.push_back({"ledger.lost", {Quantity::count, Better::lower, 0, [](const RunResult& r) {
                                       if (r.ledgers.empty()) return std::optional<double>();
                                       double lost = 0;
                                       for (const auto& l : r.ledgers)
                                         lost += static_cast<double>(l.lost);
                                       return std::optional(lost);
                                     }}});

  for (const auto& [name, metric] : metrics) {
    MetricDelta row;
    row.metric = name;
    row.quantity = metric.quantity;
    row.baseline = metric.value(baseline);
    row.current = metric.value(current);
    if (!row.baseline && !row.current) continue;
    row.baseline_text = shown(row.baseline, metric.quantity);
    row.current_text = shown(row.current, metric.quantity);
    if (row.baseline && row.current && *row.baseline != 0)
      row.change = (*row.current - *row.baseline) / std::abs(*row.baseline);
    row.note = metric.unjudgeable(baseline);
    if (row.note.empty()) row.note = metric.unjudgeable(current);
    if (row.baseline && row.current && row.note.empty()) {
      const double before = *row.baseline, after = *row.current;
      const double worse = metric.better == Better::lower ? after - before : before - after;
      const bool beyond_floor = worse > metric.floor;
      if (metric.quantity == Quantity::share || metric.quantity == Quantity::count)
        row.regressed = beyond_floor;  // absolute: half a point of errors, any lost write
      else
        row.regressed = beyond_floor && worse > tolerance * std::abs(before);
    }
    comparison.rows.push_back(std::move(row));
  }
  // Claims: a verdict that was held and is no longer.
  std::map<std::string, const ClaimVerdict*> before;
  for (const auto& c : baseline.claims) before[c.id] = &c;
  for (const auto& c : current.claims) {
    MetricDelta row;
    row.metric = "claim " + c.id;
    const auto it = before.find(c.id);
    row.baseline_text = it == before.end() ? "-" : status_name(it->second->status);
    row.current_text = status_name(c.status);
    if (!c.measured.empty()) row.current_text += " (" + c.measured + ")";
    if (it != before.end() && !it->second->measured.empty())
      row.baseline_text += " (" + it->second->measured + ")";
    row.regressed = it != before.end() && it->second->status == ClaimVerdict::Status::held &&
                    c.status != ClaimVerdict::Status::held;
    comparison.rows.push_back(std::move(row));
  }
  return comparison;
}

namespace {

std::string change_text(const MetricDelta& row) {
  std::string text = row.change ? fmt::format("{:+.1f}%", *row.change * 100) : "";
  if (!row.metric.starts_with("claim ") && !(row.baseline && row.current))
    text = "(only in one run)";
  if (!row.note.empty()) text += fmt::format(" (not judged: {})", row.note);
  return text;
}

}  // namespace

std::string comparison_console(const RunComparison& c) {
  std::string out = fmt::format("loadgate compare: baseline {} → current {} (tolerance {:.0f}%)\n",
                                c.baseline_name, c.current_name, c.tolerance * 100);
  out += fmt::format("{:<36} {:>16} {:>16}  {}\n", "metric", "baseline", "current", "change");
  for (const auto& row : c.rows)
    out += fmt::format("{:<36} {:>16} {:>16}  {}{}\n", row.metric, row.baseline_text,
                       row.current_text, row.regressed ? "REGRESSED " : "", change_text(row));
  out += fmt::format("{} regression(s)\n", c.regressions());
  return out;
}

std::string comparison_markdown(const RunComparison& c) {
  std::string out = fmt::format(
      "### loadgate compare: {} regression(s)\n\nbaseline `{}` → current `{}`, tolerance "
      "{:.0f}%\n\n| | metric | baseline | current | change |\n|---|---|---|---|---|\n",
      c.regressions(), c.baseline_name, c.current_name, c.tolerance * 100);
  std::vector<const MetricDelta*> ordered;
  for (const auto& row : c.rows) ordered.push_back(&row);
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const MetricDelta* row) { return row->regressed; });
  for (const auto* row : ordered)
    out += fmt::format("| {} | `{}` | {} | {} | {} |\n", row->regressed ? "**regressed**" : "",
                       row->metric, row->baseline_text, row->current_text, change_text(*row));
  return out;
}

}  // namespace loadgate
