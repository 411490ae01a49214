#include "reports/claim_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/config_node.h"
#include "reports/fault_impact.h"

namespace loadgate {
namespace {

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (;;) {
    const size_t dot = text.find('.', begin);
    parts.emplace_back(text.substr(begin, dot - begin));
    if (dot == std::string_view::npos) return parts;
    begin = dot + 1;
  }
}

Measurement not_measured(std::string why) {
  Measurement m;
  m.why = std::move(why);
  return m;
}

// A workload's metrics after its name: what each may be followed by.
const std::vector<std::string> kWorkloadMetrics = {"throughput",
                                                   "throughput_per_instance",
                                                   "throughput_per_vcpu",
                                                   "capacity",
                                                   "capacity_per_instance",
                                                   "capacity_per_vcpu",
                                                   "concurrency",
                                                   "concurrency_per_instance",
                                                   "latency",
                                                   "errors",
                                                   "requests"};
const std::vector<std::string> kFaultMeasures = {"downtime", "first_error", "first_success",
                                                 "recovered", "clients_not_recovered"};
const std::vector<std::string> kPrefixes = {"fault",     "ledger",  "db",
                                            "pgbouncer", "process", "command"};

// What may follow a gauge's name; none is .max.
const std::vector<std::string> kGaugeMeasures = {"max", "min", "rise", "rose_after", "slope"};

// "command.ecs.running_tasks.rise" → {"command.ecs.running_tasks", "rise"}.
std::pair<std::string, std::string> gauge_and_measure(std::string_view metric) {
  std::string gauge(metric);
  for (const auto& measure : kGaugeMeasures)
    if (gauge.ends_with("." + measure)) {
      gauge.resize(gauge.size() - measure.size() - 1);
      return {gauge, measure};
    }
  return {gauge, "max"};
}

// "p99" → 99, "p99.9" → 99.9 (the metric split at its dots), "max" → 100; empty if neither.
std::optional<double> latency_percentile(const std::vector<std::string>& parts) {
  if (parts.size() < 3) return std::nullopt;
  std::string which = parts[2];
  for (size_t i = 3; i < parts.size(); ++i) which += "." + parts[i];
  if (which == "max") return 100;
  double percentile = 0;
  if (which.size() < 2 || which[0] != 'p') return std::nullopt;
  const char* begin = which.data() + 1;
  const char* end = which.data() + which.size();
  auto [stop, ec] = std::from_chars(begin, end, percentile);
  if (ec != std::errc{} || stop != end || percentile <= 0 || percentile > 100) return std::nullopt;
  return percentile;
}

// "throughput_per_vcpu" → the divisor that turns the whole target's rate into it, with the
// words for the evidence; empty (and `why` set) when the deployment does not say.
std::optional<double> rate_divisor(const std::string& what, const Deployment& deployment,
                                   std::string& evidence, std::string& why) {
  if (what.ends_with("_per_instance") || what.ends_with("_per_vcpu")) {
    if (deployment.instances == 0) {
      why =
          "the number of service instances is unknown (target.instances, or run against a "
          "testbed)";
      return std::nullopt;
    }
    double divisor = static_cast<double>(deployment.instances);
    evidence += fmt::format(", {} instances", deployment.instances);
    if (what.ends_with("_per_vcpu")) {
      if (deployment.vcpu_per_instance <= 0) {
        why = "the vCPUs per instance are unknown (target.vcpu_per_instance)";
        return std::nullopt;
      }
      divisor *= deployment.vcpu_per_instance;
      evidence += fmt::format(" of {:g} vCPU", deployment.vcpu_per_instance);
    }
    return divisor;
  }
  return 1.0;
}

Measurement capacity_metric(const WorkloadResult& w, const std::string& what, const RunResult& run,
                            const MeasuredScope& scope) {
  if (scope.fault_window)
    return not_measured("capacity is searched over the recorded phases, not in a fault window");
  const auto found = run.capacity.find(w.name);
  if (found == run.capacity.end())
    return not_measured(fmt::format("the run was not searched for {}'s capacity", w.name));
  const CapacitySearch& search = found->second;
  if (!search.why.empty()) return not_measured(fmt::format("{}: {}", w.name, search.why));
  Measurement m;
  m.from_load = true;
  m.quantity = Quantity::rate;
  m.evidence = w.name;
  std::string why;
  const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
  if (!divisor) return not_measured(why);
  m.value = search.capacity.value_or(0) / *divisor;
  if (search.capacity)
    m.evidence = fmt::format("{}: {}", m.evidence, search.evidence);
  else if (!search.steps.empty())  // a stepped search says which rates broke it
    m.evidence = fmt::format("{}: no step met the SLO: {}", m.evidence, search.evidence);
  else
    m.evidence = fmt::format("{}: no window met the SLO", m.evidence);
  m.ceiling_found = search.slo_broken;
  m.highest_rate = search.highest_rate / *divisor;
  return m;
}

// A line's slope per hour and its margin; not measured with too few points to draw one.
Measurement slope_measurement(const LinearTrend& line, Quantity quantity, const std::string& of) {
  const auto slope = line.slope();
  if (!slope)
    return not_measured(
        fmt::format("{} point(s) draw no line: a slope needs 3 or more", line.points()));
  Measurement m;
  m.quantity = quantity;
  m.value = *slope;
  m.margin = line.slope_margin();
  m.evidence = fmt::format("least-squares slope of {}, 95% margin ±{}", of,
                           format_value(m.margin.value_or(0), quantity).substr(1));
  return m;
}

// "items.latency.p99.slope": the line through the soak's windows (RunResult::window_trends).
Measurement window_slope(std::string_view metric, const RunResult& run) {
  const std::string figure(metric.substr(0, metric.size() - std::string_view(".slope").size()));
  const auto line = run.window_trends.find(figure);
  if (line == run.window_trends.end())
    return not_measured(
        run.window_trends.empty()
            ? "a slope across windows is measured by `loadgate soak`, over its --window's"
            : fmt::format("no window measured {}", figure));
  const bool latency = figure.find(".latency.") != std::string::npos;
  Measurement m = slope_measurement(
      line->second, latency ? Quantity::duration_per_hour : Quantity::share_per_hour,
      fmt::format("{} over {} windows", figure, line->second.points()));
  m.from_load = true;
  return m;
}

Measurement workload_metric(const WorkloadResult& w, const std::vector<std::string>& parts,
                            const RunResult& run, const MeasuredScope& scope) {
  Measurement m;
  m.from_load = true;
  m.evidence = scope.fault_window
                   ? fmt::format("{}, {} requests in {} intervals {}", w.name, w.attempts(),
                                 scope.intervals, scope.label)
                   : fmt::format("{}, {} requests {}", w.name, w.attempts(), scope.label);
  const std::string what = parts.size() > 1 ? parts[1] : "";
  const double length = seconds(scope.length);
  const uint64_t successes = w.ok + w.expected_failures;
  if (what.starts_with("capacity")) return capacity_metric(w, what, run, scope);
  if (what.starts_with("throughput")) {
    if (length <= 0) return not_measured(fmt::format("nothing was recorded {}", scope.label));
    std::string why;
    const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
    if (!divisor) return not_measured(why);
    m.quantity = Quantity::rate;
    m.value = static_cast<double>(successes) / length / *divisor;
    if (w.offered_rate > 0 && !scope.fault_window) {
      m.offered = w.offered_rate / *divisor;
      // Counted over the whole workload, then shared out like the rate.
      m.counting_noise = 3 * std::sqrt(w.offered_rate * length) / length / *divisor;
    }
    return m;
  }
  if (what == "latency") {
    const auto percentile = latency_percentile(parts);
    if (!percentile)
      return not_measured("no such latency: use p50, p95, p99, p99.9 (any pN) or max");
    if (successes == 0)
      return not_measured(fmt::format("{} had no successful request {}", w.name, scope.label));
    m.quantity = Quantity::duration;
    m.value = static_cast<double>(*percentile >= 100 ? w.latency.max()
                                                     : w.latency.value_at_percentile(*percentile)) /
              1e6;
    return m;
  }
  if (what == "errors" && parts.size() == 3 && parts[2] == "rate") {
    if (w.attempts() == 0)
      return not_measured(fmt::format("{} sent nothing {}", w.name, scope.label));
    m.quantity = Quantity::share;
    m.value = static_cast<double>(w.error_count()) / static_cast<double>(w.attempts());
    return m;
  }
  if (what.starts_with("concurrency")) {
    // Closed model: its VUs; open model: the most requests in flight at an interval's end.
    std::string why;
    const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
    if (!divisor) return not_measured(why);
    m.value = static_cast<double>(std::max(w.peak_vus, w.peak_in_flight)) / *divisor;
    return m;
  }
  if (what == "requests") {
    m.value = static_cast<double>(w.attempts());
    return m;
  }
  return not_measured(fmt::format("no metric '{}' of a workload", what));
}

Measurement fault_metric(const std::vector<std::string>& parts, const RunResult& run) {
  if (parts.size() < 3)
    return not_measured("write fault.<kind>.<what>, e.g. fault.failover.downtime");
  const std::string& kind = parts[1];
  const std::string& what = parts[2];
  if (parts.size() > 3 && parts[3] != "max")
    return not_measured(fmt::format("'{}': only .max (the worst) is measured", parts[3]));
  std::vector<const FaultEvent*> events;
  for (const auto& e : run.faults)
    if (e.kind == kind) {
      // A failed injection may still have broken something: its window is no evidence either way.
      if (!e.injected)
        return not_measured(fmt::format("a {} injection failed ({})", kind, e.error));
      events.push_back(&e);
    }
  if (events.empty())
    return not_measured(fmt::format("no {} fault was injected in this run", kind));
  Measurement m;
  m.evidence = fmt::format("the worst of {} {} window(s)", events.size(), kind);
  if (what == "clients_not_recovered") {
    double count = 0;
    for (const auto* e : events)
      for (const auto& c : e->clients) count += static_cast<double>(c.tried - c.recovered);
    m.value = count;
    return m;
  }
  m.quantity = Quantity::duration;
  std::optional<double> worst;
  std::vector<std::string> never_recovered;  // "items after the failover at 2m"
  const bool a_timing = std::any_of(events.begin(), events.end(),
                                    [&](const FaultEvent* e) { return e->timings.contains(what); });
  for (const auto* e : events) {
    if (a_timing) {
      // Every occurrence must have it: the worst cannot be judged from some of them.
      auto timing = e->timings.find(what);
      if (timing == e->timings.end())
        return not_measured(
            fmt::format("the {} at {} has no {}", kind, format_duration(e->started_at), what));
      worst = std::max(worst.value_or(0), seconds(timing->second));
      continue;
    }
    for (const auto& i : e->impacts) {
      constexpr double never = std::numeric_limits<double>::infinity();
      std::optional<double> value;
      // Not hit at all counts 0. Never back for good makes every downtime and recovery figure
      // never (infinite): its downtime ran until the run ended, not for as long as it measured.
      const bool never_back = !i.recovered;
      if (never_back && what != "first_error") {
        value = never;
        never_recovered.push_back(never_recovered_after(i.workload, *e));
      }
      auto offset = [](const std::optional<Duration>& d) { return d ? seconds(*d) : never; };
      if (what == "first_error" && i.first_error) value = seconds(*i.first_error);
      if (!value && what == "downtime") value = seconds(i.downtime);
      if (!value && what == "first_success") value = offset(i.first_success);
      if (!value && what == "recovered") value = offset(i.recovered);
      if (value) worst = std::max(worst.value_or(0), *value);
    }
  }
  if (!worst)
    return not_measured(fmt::format("no '{}' in the {} windows (no workload was hit)", what, kind));
  m.value = worst;
  if (!never_recovered.empty())
    m.evidence += fmt::format("; never recovered: {}", fmt::join(never_recovered, ", "));
  return m;
}

Quantity gauge_quantity(const std::string& gauge) {
  if (gauge.ends_with("_lag") || gauge.ends_with("maxwait") || gauge.ends_with("_time"))
    return Quantity::duration;
  if (gauge.ends_with(".cpu") || gauge.ends_with(".cpu_total"))
    return Quantity::share;  // cores: 1.0 is one core, 100%
  if (gauge.ends_with(".rss") || gauge.ends_with(".rss_total")) return Quantity::bytes;
  return Quantity::count;
}

std::string with_hint(std::string problem, std::string_view word,
                      const std::vector<std::string>& candidates) {
  if (auto nearest = near_miss(word, candidates))
    return fmt::format("{} (did you mean '{}'?)", problem, *nearest);
  return fmt::format("{} (one of: {})", problem, fmt::join(candidates, ", "));
}

// The grammar after a workload's name.
std::optional<std::string> workload_metric_problem(std::vector<std::string> parts) {
  const std::string what = parts.size() > 1 ? parts[1] : "";
  if (parts.size() > 2 && parts.back() == "slope") {
    if (what != "latency" && what != "errors")
      return fmt::format("only latency.pN.slope and errors.rate.slope are trends, not {}.slope",
                         what);
    parts.pop_back();
  }
  if (std::find(kWorkloadMetrics.begin(), kWorkloadMetrics.end(), what) == kWorkloadMetrics.end())
    return with_hint(fmt::format("no metric '{}' of a workload", what), what, kWorkloadMetrics);
  if (what == "latency" && !latency_percentile(parts))
    return fmt::format("no latency '{}': use p50, p95, p99, p99.9 (any pN) or max",
                       parts.size() > 2 ? parts[2] : "");
  if (what == "errors" && (parts.size() != 3 || parts[2] != "rate"))
    return std::string("the error metric is <workload>.errors.rate");
  if (what != "latency" && what != "errors" && parts.size() > 2)
    return fmt::format("{} takes nothing after it", what);
  return std::nullopt;
}

}  // namespace

MeasuredScope totals_scope(const RunResult& run) {
  return {"over the recorded phases", &run.workloads, run.measured_duration(), &run.generator,
          &run.observed};
}

std::optional<MeasuredScope> phase_scope(const RunResult& run, const std::string& name) {
  for (const auto& phase : run.phases)
    if (phase.name == name)
      return MeasuredScope{fmt::format("in phase {}", name), &phase.workloads,
                           run.measured_duration(phase), &phase.generator, &phase.observed};
  return std::nullopt;
}

std::optional<MeasuredScope> window_scope(const RunResult& run, const FaultWindowScope& scope) {
  for (const auto& window : run.windows)
    if (window.scope == scope) {
      // An "after" scope says where it began: "after failover (from ... back for good ...)".
      std::string label = scope.label();
      if (!window.starts.empty()) label += " (" + window.starts + ")";
      return MeasuredScope{label,
                           &window.workloads,
                           window.length,
                           &window.generator,
                           &window.observed,
                           window.intervals,
                           true};
    }
  return std::nullopt;
}

Measurement measure_observed(std::string_view metric, const ObservedPeaks& peaks) {
  const auto [gauge, what] = gauge_and_measure(metric);
  const auto highest = peaks.max(gauge);
  if (!highest) {
    if (peaks.samples == 0)
      return not_measured(
          "the deployment was not observed here: run against a testbed, or give observe: in the "
          "scenario");
    std::vector<std::string> names;
    for (const auto& [name, value] : peaks.highest) names.push_back(name);
    return not_measured(
        fmt::format("no gauge '{}' was observed (there are {})", gauge, fmt::join(names, ", ")));
  }
  Measurement m;
  m.quantity = gauge_quantity(gauge);
  const double first = peaks.first.at(gauge);
  if (what == "max") {
    m.value = *highest;
    m.evidence = fmt::format("the highest of {} observer samples", peaks.samples);
  } else if (what == "min") {
    m.value = peaks.lowest.at(gauge);
    m.evidence = fmt::format("the lowest of {} observer samples", peaks.samples);
  } else if (what == "rise") {
    m.value = peaks.rise.at(gauge);
    m.evidence =
        fmt::format("its highest less its first sample ({:g}), the least of its windows", first);
  } else if (what == "slope") {
    return slope_measurement(peaks.trend.at(gauge), per_hour(m.quantity),
                             fmt::format("{} observer samples", peaks.samples));
  } else {
    // A gauge that never rose (in some window) rose "never": a claim that it rose in time is
    // broken, not unmeasured.
    const auto rose = peaks.rose_after.find(gauge);
    const bool never = rose == peaks.rose_after.end() || peaks.stayed_flat.contains(gauge);
    m.value = never ? std::numeric_limits<double>::infinity() : seconds(rose->second);
    m.quantity = Quantity::duration;
    m.evidence = never ? fmt::format("it never rose above its first sample ({:g})", first)
                       : fmt::format("from its first sample ({:g}) to the first above it", first);
  }
  return m;
}

Measurement measure(std::string_view metric, const RunResult& run, const MeasuredScope& scope) {
  const auto parts = split(metric);
  if (parts[0] == "fault") return fault_metric(parts, run);
  if (is_gauge_prefix(parts[0])) {
    Measurement m = measure_observed(metric, *scope.observed);
    if (m.value && scope.fault_window) m.evidence += " " + scope.label;
    return m;
  }
  if (parts[0] == "ledger") {
    if (parts.size() != 2 || parts[1] != "lost")
      return not_measured("the ledger metric is ledger.lost");
    if (run.ledgers.empty()) return not_measured("no workload records its writes in a ledger");
    Measurement m;
    double lost = 0;
    for (const auto& l : run.ledgers) {
      if (!l.verified)
        return not_measured(fmt::format("the writes of {} were not read back", l.workload));
      lost += static_cast<double>(l.lost);
    }
    m.value = lost;
    m.evidence = fmt::format("{} ledger(s) read back after the run", run.ledgers.size());
    return m;
  }
  if (parts.back() == "slope") return window_slope(metric, run);
  for (const auto& w : *scope.workloads)
    if (w.name == parts[0]) return workload_metric(w, parts, run, scope);
  std::vector<std::string> names;
  for (const auto& w : *scope.workloads) names.push_back(w.name);
  return not_measured(fmt::format(
      "no workload '{}' in this run (it has {}; or fault., ledger., db., pgbouncer., process.)",
      parts[0], fmt::join(names, ", ")));
}

bool is_gauge_prefix(std::string_view first) {
  return first == "db" || first == "pgbouncer" || first == "process" || first == "command";
}

bool is_metric_prefix(std::string_view first) {
  return std::find(kPrefixes.begin(), kPrefixes.end(), first) != kPrefixes.end();
}

std::optional<std::string> metric_problem(std::string_view metric, const MetricVocabulary& names) {
  const auto parts = split(metric);
  const std::string& first = parts[0];
  if (first == "fault") {
    if (parts.size() < 3)
      return std::string("write fault.<kind>.<what>, e.g. fault.failover.downtime");
    const std::string& kind = parts[1];
    if (std::find(names.fault_kinds.begin(), names.fault_kinds.end(), kind) ==
        names.fault_kinds.end())
      return with_hint(fmt::format("no fault kind '{}'", kind), kind, names.fault_kinds);
    if (parts.size() > 4 || (parts.size() == 4 && parts[3] != "max"))
      return fmt::format("'{}': only .max (the worst) may follow", parts.back());
    std::vector<std::string> measures = kFaultMeasures;
    const auto timings = names.fault_timings.find(kind);
    if (timings == names.fault_timings.end()) return std::nullopt;  // not in this run
    measures.insert(measures.end(), timings->second.begin(), timings->second.end());
    if (std::find(measures.begin(), measures.end(), parts[2]) == measures.end())
      return with_hint(fmt::format("a {} fault measures no '{}'", kind, parts[2]), parts[2],
                       measures);
    return std::nullopt;
  }
  if (first == "ledger")
    return parts.size() == 2 && parts[1] == "lost"
               ? std::nullopt
               : std::optional<std::string>("the ledger metric is ledger.lost");
  if (is_gauge_prefix(first)) {
    const std::string gauge = gauge_and_measure(metric).first;
    if (std::find(names.gauges.begin(), names.gauges.end(), gauge) != names.gauges.end())
      return std::nullopt;
    for (const auto& prefix : names.gauge_prefixes)
      if (gauge.starts_with(prefix) && gauge.size() > prefix.size()) return std::nullopt;
    return with_hint(fmt::format("no gauge '{}'", gauge), gauge, names.gauges);
  }
  const bool ours =
      std::find(names.workloads.begin(), names.workloads.end(), first) != names.workloads.end();
  if (!ours) {
    std::vector<std::string> firsts = names.workloads;
    firsts.insert(firsts.end(), kPrefixes.begin(), kPrefixes.end());
    if (auto nearest = near_miss(first, firsts))
      return fmt::format("no workload '{}' in this run (did you mean '{}'?)", first, *nearest);
  }
  return workload_metric_problem(parts);
}

}  // namespace loadgate
