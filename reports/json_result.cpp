#include "reports/json_result.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/console_summary.h"
#include "reports/downtime_attribution.h"
#include "reports/histogram_json.h"

namespace loadgate {
namespace {

using nlohmann::json;

json workload_json(const WorkloadResult& w, Duration measured) {
  return {{"name", w.name},
          {"kind", w.kind},
          {"executor", w.executor},
          {"offered_rate", w.offered_rate},
          {"achieved_rate", rate_over(w, measured)},
          {"scheduled", w.scheduled},
          {"attempts", w.attempts()},
          {"ok", w.ok},
          {"expected_failures", w.expected_failures},
          {"dropped", w.dropped},
          {"error_count", w.error_count()},
          {"errors", w.errors},
          {"peak_vus", w.peak_vus},
          {"peak_in_flight", w.peak_in_flight},
          {"latency_us", histogram_json(w.latency)},
          {"service_time_us", histogram_json(w.service_time)},
          {"schedule_lag_us", histogram_json(w.schedule_lag)},
          {"error_latency_us", histogram_json(w.error_latency)}};
}

json generator_json(const GeneratorCheck& g) {
  return {{"generator_bound", g.generator_bound},
          {"schedule_lag_p99_us", g.schedule_lag_p99_us},
          {"schedule_lag_threshold_us", g.schedule_lag_threshold_us},
          {"cpu_max", g.cpu_max},
          {"dropped", g.dropped},
          {"warnings", g.warnings}};
}

json observed_json(const ObservedPeaks& peaks) {
  json rose_after = json::object();
  for (const auto& [gauge, after] : peaks.rose_after) rose_after[gauge] = seconds(after);
  return {{"samples", peaks.samples},
          {"highest", peaks.highest},
          {"lowest", peaks.lowest},
          {"first", peaks.first},
          {"rose_after_s", rose_after}};
}

}  // namespace

std::string result_to_json(const RunResult& run) {
  json workloads = json::array();
  for (const auto& w : run.workloads)
    workloads.push_back(workload_json(w, run.measured_duration()));
  json phases = json::array();
  for (const auto& phase : run.phases) {
    json phase_workloads = json::array();
    for (const auto& w : phase.workloads)
      phase_workloads.push_back(workload_json(w, run.measured_duration(phase)));
    phases.push_back({{"name", phase.name},
                      {"start_s", seconds(phase.start)},
                      {"duration_s", seconds(phase.duration)},
                      {"recorded", phase.recorded},
                      {"generator", generator_json(phase.generator)},
                      {"observed", observed_json(phase.observed)},
                      {"workloads", phase_workloads}});
  }
  auto ledger_json = [](const LedgerResult& l) {
    return json{{"workload", l.workload},
                {"acknowledged", l.acknowledged},
                {"failed", l.failed},
                {"in_doubt", l.in_doubt},
                {"verified", l.verified},
                {"verify_error", l.verify_error},
                {"acknowledged_present", l.acknowledged_present},
                {"lost", l.lost},
                {"lost_ids", l.lost_ids},
                {"reissued", l.reissued},
                {"in_doubt_present", l.in_doubt_present},
                {"in_doubt_absent", l.in_doubt_absent},
                {"failed_present", l.failed_present},
                {"without_id", l.without_id}};
  };
  json ledgers = json::array();
  for (const auto& l : run.ledgers) ledgers.push_back(ledger_json(l));
  auto offset_s = [](const std::optional<Duration>& d) {
    return d ? json(seconds(*d)) : json(nullptr);
  };
  auto counts_json = [](const ConnectionCounts& c) {
    return json{{"before", c.before}, {"peak", c.peak}, {"after", c.after}};
  };
  json faults = json::array();
  for (const auto& f : run.faults) {
    json impacts = json::array();
    for (const auto& i : f.impacts)
      impacts.push_back({{"workload", i.workload},
                         {"baseline_rate", i.baseline_rate},
                         {"first_error_s", offset_s(i.first_error)},
                         {"downtime_s", seconds(i.downtime)},
                         {"first_success_s", offset_s(i.first_success)},
                         {"recovered_s", offset_s(i.recovered)},
                         {"errors", i.errors}});
    json timings = json::object();
    for (const auto& [name, d] : f.timings) timings[name] = seconds(d);
    json clients = json::array();
    for (const auto& c : f.clients)
      clients.push_back({{"workload", c.workload},
                         {"kind", c.kind},
                         {"total", c.total},
                         {"tried", c.tried},
                         {"recovered", c.recovered},
                         {"not_recovered", c.tried - c.recovered},
                         {"not_recovered_ids", c.not_recovered}});
    json fault_ledgers = json::array();
    for (const auto& l : f.ledgers) fault_ledgers.push_back(ledger_json(l));
    json layers = json::array();
    for (const auto& l : f.layers)
      layers.push_back({{"probe", l.probe},
                        {"down_s", offset_s(l.down)},
                        {"back_s", offset_s(l.back)},
                        {"reason", l.reason}});
    faults.push_back({{"kind", f.kind},
                      {"description", f.description},
                      {"driver", f.driver},
                      {"injected", f.injected},
                      {"started_at_s", seconds(f.started_at)},
                      {"injected_at_s", seconds(f.injected_at)},
                      {"recovered", f.recovered},
                      {"recovered_at_s", seconds(f.recovered_at)},
                      {"error", f.error},
                      {"timings_s", timings},
                      {"workloads", impacts},
                      {"ledgers", fault_ledgers},
                      {"clients", clients},
                      {"layers", layers},
                      {"downtime_attribution", attribute_downtime(f, run.probes)},
                      {"connections",
                       {{"postgres_backends", counts_json(f.postgres_backends)},
                        {"pgbouncer_servers", counts_json(f.pgbouncer_servers)},
                        {"pgbouncer_clients", counts_json(f.pgbouncer_clients)}}}});
  }
  json probes = json::array();
  for (const auto& p : run.probes)
    probes.push_back({{"name", p.name},
                      {"layer", p.layer},
                      {"target", p.target},
                      {"through", p.through},
                      {"writable", p.writable},
                      {"server_login_retry_s", offset_s(p.server_login_retry)},
                      {"after", p.after},
                      {"tries", p.tries},
                      {"failed", p.failed}});
  json topology = json::object();
  for (const auto& [name, value] : run.deployment.topology) topology[name] = value;
  json ceilings = json::object();
  for (const auto& [workload, c] : run.deployment.ceilings)
    ceilings[workload] = {{"per_core", c.per_core}, {"work", c.work}};
  json doc = {{"schema", kResultSchema},
              {"scenario", run.scenario},
              {"started_at", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                                         std::chrono::floor<std::chrono::seconds>(run.started_at))},
              {"planned_duration_s", seconds(run.planned_duration)},
              {"recorded_duration_s", seconds(run.recorded_duration)},
              {"elapsed_s", seconds(run.elapsed)},
              {"interrupted", run.interrupted},
              {"threads", run.threads},
              {"interval_s", seconds(run.interval)},
              {"stopped_by", run.stopped_by},
              {"warnings", run.warnings},
              {"targets", run.targets},
              {"timeline", "timeline.jsonl"},
              {"generator", generator_json(run.generator)},
              {"observed", observed_json(run.observed)},
              {"workloads", workloads},
              {"phases", phases},
              {"ledgers", ledgers},
              {"faults", faults},
              {"health", {{"checked", run.health_checked}, {"problems", run.health_problems}}},
              {"probes", probes},
              {"deployment",
               {{"instances", run.deployment.instances},
                {"vcpu_per_instance", run.deployment.vcpu_per_instance},
                {"topology", topology},
                {"bcrypt_cost", run.deployment.bcrypt_cost},
                {"ceilings", ceilings}}},
              {"slo", run.slo}};
  // The fault window scopes and capacity searches claims asked for, so they can be read (and
  // folded again by `loadgate report`) without the claims files.
  json windows = json::array();
  for (const auto& window : run.windows) {
    json workloads = json::array();
    for (const auto& w : window.workloads) workloads.push_back(workload_json(w, window.length));
    windows.push_back(
        {{"scope", window.scope.text},
         {"settle_s", window.scope.settle ? json(seconds(*window.scope.settle)) : json(nullptr)},
         {"starts", window.starts},
         {"never_recovered", window.never_recovered},
         {"intervals", window.intervals},
         {"length_s", seconds(window.length)},
         {"generator", generator_json(window.generator)},
         {"observed", observed_json(window.observed)},
         {"workloads", workloads}});
  }
  doc["windows"] = windows;
  json capacity = json::object();
  for (const auto& [workload, search] : run.capacity) {
    json& entry = capacity[workload];
    entry = {{"capacity", search.capacity ? json(*search.capacity) : json(nullptr)},
             {"highest_rate", search.highest_rate},
             {"slo_broken", search.slo_broken},
             {"evidence", search.evidence},
             {"why", search.why}};
    if (auto spec = run.rate_searches.find(workload); spec != run.rate_searches.end()) {
      const RateSearchSpec& s = spec->second;
      entry["search"] = {{"start", s.start},
                         {"max", s.max},
                         {"step", s.step},
                         {"factor", s.factor},
                         {"hold_s", seconds(s.hold)},
                         {"min_samples", s.min_samples},
                         {"resolution", s.resolution}};
      json steps = json::array();
      for (const auto& step : search.steps)
        steps.push_back({{"rate", step.rate},
                         {"from_s", seconds(step.from)},
                         {"length_s", seconds(step.length)},
                         {"attempts", step.attempts},
                         {"successes_per_s", step.successes_per_s},
                         {"met", step.met},
                         {"detail", step.detail}});
      entry["steps"] = steps;
    }
  }
  doc["capacity"] = capacity;
  json claims = json::array();
  for (const auto& c : run.claims)
    claims.push_back({{"id", c.id},
                      {"file", c.file},
                      {"source", {{"doc", c.source_doc}, {"quote", c.source_quote}}},
                      {"metric", c.metric},
                      {"expect", c.expect},
                      {"verdict", status_name(c.status)},
                      {"measured", c.measured},
                      {"detail", c.detail}});
  doc["claims"] = claims;
  return doc.dump(2);
}

}  // namespace loadgate
