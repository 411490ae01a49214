#include "reports/console_summary.h"

#include <algorithm>
#include <chrono>
#include <ostream>

#include <fmt/format.h>

#include "harness/expectation.h"
#include "reports/downtime_attribution.h"

namespace loadgate {
namespace {

std::string ms(int64_t micros) {
  return fmt::format("{:.2f}ms", static_cast<double>(micros) / 1000.0);
}

void print_row(std::ostream& out, const std::string& label, const WorkloadResult& w,
               Duration measured) {
  const Histogram& h = w.latency;
  const std::string offered =
      w.scheduled ? fmt::format("{:.1f}/s", w.offered_rate) : fmt::format("{} VUs", w.peak_vus);
  out << fmt::format("{:<20} {:>10} {:>8.1f}/s {:>9} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
                     label, offered, rate_over(w, measured), w.attempts(),
                     w.ok + w.expected_failures, w.error_count(), w.dropped,
                     ms(h.value_at_percentile(50)), ms(h.value_at_percentile(90)),
                     ms(h.value_at_percentile(99)), ms(h.max()));
}

}  // namespace

std::vector<std::string> observed_highlights(const ObservedPeaks& observed) {
  static constexpr std::pair<const char*, const char*> kHeadlines[] = {
      {"db.backend_connections", "backends"},
      {"pgbouncer.client_connections", "pgbouncer clients"},
      {"pgbouncer.server_connections", "pgbouncer servers"},
      {"pgbouncer.cl_waiting", "clients waiting"},
      {"pgbouncer.maxwait", "longest pool wait"},
      {"db.replica_lag", "replica lag"},
      {"db.primaries", "primaries"},
      {"process.postgres.cpu", "postgres CPU"},
      {"process.service.cpu", "busiest service CPU"},
      {"process.generator.cpu", "loadgate CPU"}};
  std::vector<std::string> parts;
  for (const auto& [gauge, label] : kHeadlines)
    if (auto highest = observed.max(gauge)) {
      const std::string name = gauge;
      const std::string value = name.ends_with("lag") || name.ends_with("maxwait")
                                    ? format_value(*highest, Quantity::duration)
                                : name.ends_with(".cpu") ? format_value(*highest, Quantity::share)
                                                         : format_value(*highest, Quantity::count);
      parts.push_back(fmt::format("{} {}", label, value));
    }
  return parts;
}

double rate_over(const WorkloadResult& workload, Duration measured) {
  const double seconds = std::chrono::duration<double>(measured).count();
  return seconds > 0 ? static_cast<double>(workload.attempts()) / seconds : 0.0;
}

void print_summary(const RunResult& run, std::ostream& out, bool colour) {
  out << fmt::format("\nloadgate: scenario {} ran {} of {}{} on {} thread(s) against {}\n",
                     run.scenario, format_duration(run.elapsed),
                     format_duration(run.planned_duration),
                     run.interrupted           ? " (INTERRUPTED)"
                     : !run.stopped_by.empty() ? " (ENDED EARLY)"
                                               : "",
                     run.threads, fmt::join(run.targets, ", "));
  out << fmt::format("{:<20} {:>10} {:>10} {:>9} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
                     "workload", "offered", "achieved", "requests", "ok", "errors", "dropped",
                     "p50", "p90", "p99", "max");
  for (const auto& w : run.workloads) print_row(out, w.name, w, run.measured_duration());
  if (run.phases.size() > 1) {
    out << "by phase (a request belongs to the phase in which it ended):\n";
    for (const auto& phase : run.phases)
      for (const auto& w : phase.workloads)
        print_row(out, fmt::format("  {}/{}{}", phase.name, w.name, phase.recorded ? "" : "*"), w,
                  run.measured_duration(phase));
    out << "  * not in the totals\n";
  }
  for (const auto& w : run.workloads) {
    std::string errors = "none";
    if (!w.errors.empty()) {
      errors.clear();
      for (const auto& [error_class, count] : w.errors)
        errors += fmt::format("{}{} {}", errors.empty() ? "" : ", ", error_class, count);
    }
    out << fmt::format("  {}: errors: {}; latency p99 {} from intended start, {} service time\n",
                       w.name, errors, ms(w.latency.value_at_percentile(99)),
                       ms(w.service_time.value_at_percentile(99)));
  }
  const GeneratorCheck& g = run.generator;
  out << fmt::format("generator: schedule lag p99 {} (limit {}), busiest thread {:.0f}% CPU{}\n",
                     ms(g.schedule_lag_p99_us), ms(g.schedule_lag_threshold_us), g.cpu_max * 100,
                     g.generator_bound ? " — GENERATOR-BOUND" : "");
  for (const auto& warning : g.warnings) out << "  ! " << warning << "\n";
  for (const auto& [workload, search] : run.capacity) {
    if (search.steps.empty() && run.rate_searches.count(workload) == 0) continue;
    out << fmt::format("capacity search {}: {}{}\n", workload,
                       search.capacity ? format_value(*search.capacity, Quantity::rate)
                                       : std::string("none found"),
                       search.why.empty() ? fmt::format(" ({})", search.evidence)
                                          : fmt::format(": {}", search.why));
    for (size_t i = 0; i < search.steps.size(); ++i) {
      const CapacityStep& step = search.steps[i];
      out << fmt::format(
          "  step {:>2} {:>10} from {:>7} for {:>5}: {:>7} requests, {:>10} "
          "{:<6} {}\n",
          i + 1, format_value(step.rate, Quantity::rate), format_duration(step.from),
          format_duration(step.length), step.attempts,
          format_value(step.successes_per_s, Quantity::rate), step.met ? "met" : "BROKE",
          step.detail);
    }
  }
  if (const auto observed = observed_highlights(run.observed); !observed.empty())
    out << fmt::format("deployment, highest observed: {}\n", fmt::join(observed, ", "));
  for (const auto& l : run.ledgers) print_ledger(l, out);
  for (const auto& f : run.faults) {
    if (f.error.empty())
      out << fmt::format("fault {}: injected at {:.2f}s, recovered at {:.2f}s\n", f.description,
                         std::chrono::duration<double>(f.injected_at).count(),
                         std::chrono::duration<double>(f.recovered_at).count());
    else
      out << fmt::format("  ! FAULT {}: {}{}\n", f.description, f.error,
                         f.recovered ? "" : " — NOT RECOVERED: the deployment may be broken");
    if (!f.timings.empty()) {
      std::vector<std::string> parts;
      for (const auto& [name, d] : f.timings)
        parts.push_back(fmt::format("{} {:.2f}s", name, std::chrono::duration<double>(d).count()));
      out << fmt::format("  fault timings: {}\n", fmt::join(parts, ", "));
    }
    for (const auto& i : f.impacts) print_impact(i, out);
    print_layers(f, run.probes, out);
    auto counts = [](const ConnectionCounts& c) {
      return fmt::format("{} before, peak {}, {} after", c.before, c.peak, c.after);
    };
    if (f.postgres_backends.peak >= 0 || f.pgbouncer_servers.peak >= 0)
      out << fmt::format(
          "  connections: postgres backends {}; pgbouncer servers {}; pgbouncer clients {}\n",
          counts(f.postgres_backends), counts(f.pgbouncer_servers), counts(f.pgbouncer_clients));
    for (const auto& l : f.ledgers) {
      out << "  after recovery, ";
      print_ledger(l, out);
    }
    for (const auto& c : f.clients) {
      out << fmt::format("  {} {}s: {} of {} that tried again succeeded again ({} untried)",
                         c.workload, c.kind, c.recovered, c.tried, c.total - c.tried);
      if (c.recovered < c.tried)
        out << fmt::format(" — {} NOT RECOVERED: {}{}", c.tried - c.recovered,
                           fmt::join(c.not_recovered, " "),
                           c.tried - c.recovered > c.not_recovered.size() ? " ..." : "");
      out << "\n";
    }
  }
  if (!run.claims.empty()) out << "claims:\n";
  for (const auto& c : run.claims) {
    const char* paint = !colour                                    ? ""
                        : c.status == ClaimVerdict::Status::held   ? "\x1b[32m"
                        : c.status == ClaimVerdict::Status::broken ? "\x1b[1;31m"
                                                                   : "\x1b[33m";
    out << fmt::format("  {}{:<12}{} {}: {} {} — measured {}", paint, status_name(c.status),
                       colour ? "\x1b[0m" : "", c.id, c.metric, c.expect,
                       c.measured.empty() ? "-" : c.measured);
    out << fmt::format(" ({})\n", c.detail);
    out << fmt::format("               {}: \"{}\"\n", c.source_doc, c.source_quote);
  }
  if (run.health_checked) {
    if (run.health_problems.empty()) out << "deployment after the run: healthy\n";
    for (const auto& problem : run.health_problems)
      out << "  ! DEPLOYMENT NOT HEALTHY after the run: " << problem << "\n";
  }
  for (const auto& warning : run.warnings) out << "warning: " << warning << "\n";
}

void print_layers(const FaultEvent& f, const std::vector<ProbeInfo>& probes, std::ostream& out) {
  if (f.layers.empty()) return;
  auto at = [](Duration d) {
    return fmt::format("+{:.2f}s", std::chrono::duration<double>(d).count());
  };
  std::vector<std::string> parts;
  for (const auto& l : f.layers)
    parts.push_back(
        !l.down   ? l.probe + " up throughout"
        : !l.back ? fmt::format("{} down at {} ({}), NEVER BACK", l.probe, at(*l.down), l.reason)
                  : fmt::format("{} down at {} ({}), back at {}", l.probe, at(*l.down), l.reason,
                                at(*l.back)));
  out << fmt::format("  layers: {}\n", fmt::join(parts, "; "));
  if (std::string attribution = attribute_downtime(f, probes); !attribution.empty())
    out << "  downtime by layer: " << attribution << "\n";
}

void print_impact(const FaultImpact& i, std::ostream& out) {
  auto offset = [](const std::optional<Duration>& d) {
    return d ? fmt::format("{:.2f}s", std::chrono::duration<double>(*d).count()) : "-";
  };
  std::string errors;
  for (const auto& [error_class, count] : i.errors)
    errors += fmt::format("{}{} {}", errors.empty() ? "" : ", ", error_class, count);
  out << fmt::format(
      "  {}: first error {}, downtime {:.2f}s, first success {}, {} (baseline {:.1f}/s){}\n",
      i.workload, offset(i.first_error), std::chrono::duration<double>(i.downtime).count(),
      offset(i.first_success),
      i.recovered ? "recovered at " + offset(i.recovered) : std::string("NOT RECOVERED"),
      i.baseline_rate, errors.empty() ? "" : "; errors: " + errors);
}

void print_ledger(const LedgerResult& l, std::ostream& out) {
  const uint64_t writes = l.acknowledged + l.failed + l.in_doubt;
  if (!l.verified) {
    out << fmt::format(
        "ledger {}: {} writes ({} acknowledged, {} in doubt, {} failed) NOT VERIFIED: {}\n",
        l.workload, writes, l.acknowledged, l.in_doubt, l.failed, l.verify_error);
    return;
  }
  out << fmt::format(
      "ledger {}: {} writes: {} acknowledged ({} present, {} LOST), {} in doubt ({} present, {} "
      "absent), {} failed{}{}\n",
      l.workload, writes, l.acknowledged, l.acknowledged_present, l.lost, l.in_doubt,
      l.in_doubt_present, l.in_doubt_absent, l.failed,
      l.failed_present ? fmt::format(" ({} of them present anyway)", l.failed_present) : "",
      l.without_id ? fmt::format("; {} without the target's id, not read back", l.without_id) : "");
  if (l.lost)
    out << fmt::format(
        "  ! LOST: {} acknowledged writes are not in the database{}, e.g. {}\n", l.lost,
        l.reissued ? fmt::format(" ({} of them under an id the target gave a later write again)",
                                 l.reissued)
                   : "",
        fmt::join(l.lost_ids, ", "));
}

}  // namespace loadgate
