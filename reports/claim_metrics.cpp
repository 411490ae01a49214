#include "reports/claim_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/service_level.h"

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

double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

Measurement not_measured(std::string why) {
  Measurement m;
  m.why = std::move(why);
  return m;
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

Measurement capacity_metric(const WorkloadResult& w, const std::string& what,
                            const RunResult& run) {
  Measurement m;
  m.from_load = true;
  m.quantity = Quantity::rate;
  const CapacitySearch search = search_capacity(run, w.name);
  if (!search.why.empty()) return not_measured(search.why);
  m.evidence = w.name;
  std::string why;
  const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
  if (!divisor) return not_measured(why);
  m.value = search.capacity.value_or(0) / *divisor;
  m.evidence = search.capacity ? fmt::format("{}: {}", m.evidence, search.evidence)
                               : fmt::format("{}: no window met the SLO", m.evidence);
  m.ceiling_found = search.slo_broken;
  m.highest_rate = search.highest_rate / *divisor;
  return m;
}

Measurement workload_metric(const WorkloadResult& w, const std::vector<std::string>& parts,
                            const RunResult& run) {
  Measurement m;
  m.from_load = true;
  m.evidence = fmt::format("{}, {} requests over the recorded phases", w.name, w.attempts());
  const std::string what = parts.size() > 1 ? parts[1] : "";
  const double recorded = seconds(run.recorded_duration);
  const uint64_t successes = w.ok + w.expected_failures;
  if (what == "capacity" || what == "capacity_per_instance" || what == "capacity_per_vcpu")
    return capacity_metric(w, what, run);
  if (what == "throughput" || what == "throughput_per_instance" || what == "throughput_per_vcpu") {
    if (recorded <= 0) return not_measured("no recorded phase");
    std::string why;
    const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
    if (!divisor) return not_measured(why);
    m.quantity = Quantity::rate;
    m.value = static_cast<double>(successes) / recorded / *divisor;
    if (w.offered_rate > 0) {
      m.offered = w.offered_rate / *divisor;
      // Counted over the whole workload, then shared out like the rate.
      m.counting_noise = 3 * std::sqrt(w.offered_rate * recorded) / recorded / *divisor;
    }
    return m;
  }
  if (what == "latency" && parts.size() >= 3) {
    // "p99" or "p99.9" (split at the dot), or "max".
    std::string which = parts[2];
    for (size_t i = 3; i < parts.size(); ++i) which += "." + parts[i];
    if (which.size() < 2 && which != "max")
      return not_measured(fmt::format("no latency '{}': use p50, p95, p99, p99.9 or max", which));
    if (successes == 0) return not_measured(fmt::format("{} had no successful request", w.name));
    m.quantity = Quantity::duration;
    if (which == "max") {
      m.value = static_cast<double>(w.latency.max()) / 1e6;
      return m;
    }
    double percentile = 0;
    const std::string_view number = std::string_view(which).substr(1);
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), percentile);
    if (which.empty() || which[0] != 'p' || ec != std::errc{} ||
        end != number.data() + number.size() || percentile <= 0 || percentile > 100)
      return not_measured(fmt::format("no latency '{}': use p50, p95, p99, p99.9 or max", which));
    m.value = static_cast<double>(w.latency.value_at_percentile(percentile)) / 1e6;
    return m;
  }
  if (what == "errors" && parts.size() == 3 && parts[2] == "rate") {
    if (w.attempts() == 0) return not_measured(fmt::format("{} sent nothing", w.name));
    m.quantity = Quantity::share;
    m.value = static_cast<double>(w.error_count()) / static_cast<double>(w.attempts());
    return m;
  }
  if (what == "concurrency" || what == "concurrency_per_instance") {
    // Closed model: its VUs; open model: the most requests in flight at an interval's end.
    double peak = static_cast<double>(w.peak_vus);
    for (const auto& point : run.timeline)
      for (const auto& i : point.workloads)
        if (i.name == w.name) peak = std::max(peak, static_cast<double>(i.in_flight));
    std::string why;
    const auto divisor = rate_divisor(what, run.deployment, m.evidence, why);
    if (!divisor) return not_measured(why);
    m.value = peak / *divisor;
    return m;
  }
  if (what == "requests") {
    m.value = static_cast<double>(w.attempts());
    return m;
  }
  return not_measured(fmt::format(
      "no metric '{}' of a workload: throughput[_per_instance|_per_vcpu], "
      "capacity[_per_instance|_per_vcpu], concurrency[_per_instance], latency.p95, errors.rate "
      "or requests",
      what));
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
      std::optional<double> value;
      if (what == "downtime") value = seconds(i.downtime);
      // Not hit at all counts 0; never back counts as never (infinite).
      auto offset = [](const std::optional<Duration>& d) {
        return d ? seconds(*d) : std::numeric_limits<double>::infinity();
      };
      if (what == "first_error" && i.first_error) value = seconds(*i.first_error);
      if (what == "first_success") value = offset(i.first_success);
      if (what == "recovered") value = offset(i.recovered);
      if (value) worst = std::max(worst.value_or(0), *value);
    }
  }
  if (!worst)
    return not_measured(
        fmt::format("no '{}' in the {} windows: downtime, first_error, first_success, recovered, "
                    "clients_not_recovered, or one of the fault's timings",
                    what, kind));
  m.value = worst;
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

}  // namespace

// "db.backend_connections.max" → the highest sample of the gauge db.backend_connections.
Measurement measure_observed(std::string_view metric, const Observations& observations) {
  std::string gauge(metric);
  if (gauge.ends_with(".max")) gauge.resize(gauge.size() - 4);
  const auto highest = observations.max(gauge);
  if (!highest) {
    if (observations.samples.empty())
      return not_measured(
          "the deployment was not observed: run against a testbed, or give observe: in the "
          "scenario");
    std::vector<std::string> names;
    for (const auto& [name, series] : observations.series()) names.push_back(name);
    return not_measured(
        fmt::format("no gauge '{}' was observed (there are {})", gauge, fmt::join(names, ", ")));
  }
  Measurement m;
  m.value = *highest;
  m.quantity = gauge_quantity(gauge);
  m.evidence = fmt::format("the highest of {} observer samples", observations.samples.size());
  return m;
}

Measurement measure(std::string_view metric, const RunResult& run) {
  const auto parts = split(metric);
  if (parts[0] == "fault") return fault_metric(parts, run);
  if (parts[0] == "db" || parts[0] == "pgbouncer" || parts[0] == "process")
    return measure_observed(metric, run.observations);
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
  for (const auto& w : run.workloads)
    if (w.name == parts[0]) return workload_metric(w, parts, run);
  std::vector<std::string> names;
  for (const auto& w : run.workloads) names.push_back(w.name);
  return not_measured(fmt::format(
      "no workload '{}' in this run (it has {}; or fault., ledger., db., pgbouncer., process.)",
      parts[0], fmt::join(names, ", ")));
}

}  // namespace loadgate
