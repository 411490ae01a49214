#include "reports/result_reader.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/fault_window_scope.h"
#include "reports/json_result.h"

namespace loadgate {
namespace {

using nlohmann::json;

// Rounded, not truncated: written back, the seconds print as they were read.
Duration from_seconds(const json& j) {
  return std::chrono::round<Duration>(std::chrono::duration<double>(j.get<double>()));
}

std::optional<Duration> optional_seconds(const json& j) {
  if (j.is_null()) return std::nullopt;
  return from_seconds(j);
}

// The workload as planned; what it counted is folded again from the timeline.
WorkloadResult workload_from(const json& j) {
  WorkloadResult w;
  w.name = j.at("name");
  w.kind = j.at("kind");
  w.executor = j.at("executor");
  w.offered_rate = j.at("offered_rate");
  return w;
}

LedgerResult ledger_from(const json& j) {
  LedgerResult l;
  l.workload = j.at("workload");
  l.acknowledged = j.at("acknowledged");
  l.failed = j.at("failed");
  l.in_doubt = j.at("in_doubt");
  l.verified = j.at("verified");
  l.verify_error = j.at("verify_error");
  l.acknowledged_present = j.at("acknowledged_present");
  l.lost = j.at("lost");
  l.lost_ids = j.at("lost_ids").get<std::vector<std::string>>();
  l.reissued = j.value("reissued", uint64_t{0});  // added within /4
  l.in_doubt_present = j.at("in_doubt_present");
  l.in_doubt_absent = j.at("in_doubt_absent");
  l.without_id = j.value("without_id", uint64_t{0});  // added within /4
  l.failed_present = j.at("failed_present");
  return l;
}

ConnectionCounts counts_from(const json& j) {
  return {j.at("before"), j.at("peak"), j.at("after")};
}

FaultEvent fault_from(const json& j) {
  FaultEvent f;
  f.kind = j.at("kind");
  f.description = j.at("description");
  f.driver = j.value("driver", "");  // added within loadgate.result/4
  f.injected = j.at("injected");
  f.started_at = from_seconds(j.at("started_at_s"));
  f.injected_at = from_seconds(j.at("injected_at_s"));
  f.recovered = j.at("recovered");
  f.recovered_at = from_seconds(j.at("recovered_at_s"));
  f.error = j.at("error");
  for (const auto& [name, seconds] : j.at("timings_s").items())
    f.timings[name] = from_seconds(seconds);
  for (const auto& i : j.at("workloads"))
    f.impacts.push_back({i.at("workload"), i.at("baseline_rate"),
                         optional_seconds(i.at("first_error_s")), from_seconds(i.at("downtime_s")),
                         optional_seconds(i.at("first_success_s")),
                         optional_seconds(i.at("recovered_s")), i.at("errors").get<ErrorCounts>()});
  for (const auto& l : j.at("ledgers")) f.ledgers.push_back(ledger_from(l));
  for (const auto& c : j.at("clients"))
    f.clients.push_back({c.at("workload"), c.at("kind"), c.at("total"), c.at("tried"),
                         c.at("recovered"),
                         c.at("not_recovered_ids").get<std::vector<std::string>>()});
  for (const auto& l : j.value("layers", json::array()))  // added within /4
    f.layers.push_back({l.at("probe"), optional_seconds(l.at("down_s")),
                        optional_seconds(l.at("back_s")), l.at("reason")});
  const json& connections = j.at("connections");
  f.postgres_backends = counts_from(connections.at("postgres_backends"));
  f.pgbouncer_servers = counts_from(connections.at("pgbouncer_servers"));
  f.pgbouncer_clients = counts_from(connections.at("pgbouncer_clients"));
  return f;
}

ClaimVerdict::Status status_from(const std::string& name) {
  for (auto status : {ClaimVerdict::Status::held, ClaimVerdict::Status::broken,
                      ClaimVerdict::Status::not_measured})
    if (name == status_name(status)) return status;
  throw std::invalid_argument(fmt::format("no verdict '{}'", name));
}

WallClock::time_point time_from(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail())
    throw std::invalid_argument(fmt::format("started_at '{}' is not a UTC time", text));
  return WallClock::from_time_t(timegm(&tm));
}

void read_result(const json& doc, RunResult& run) {
  run.scenario = doc.at("scenario");
  run.targets = doc.at("targets").get<std::vector<std::string>>();
  run.started_at = time_from(doc.at("started_at"));
  run.planned_duration = from_seconds(doc.at("planned_duration_s"));
  run.recorded_duration = from_seconds(doc.at("recorded_duration_s"));
  run.elapsed = from_seconds(doc.at("elapsed_s"));
  run.interrupted = doc.at("interrupted");
  run.threads = doc.at("threads");
  run.interval = from_seconds(doc.at("interval_s"));
  run.stopped_by = doc.at("stopped_by");
  run.warnings = doc.value("warnings", std::vector<std::string>{});  // added within /4
  run.generator.schedule_lag_threshold_us = doc.at("generator").at("schedule_lag_threshold_us");
  for (const auto& w : doc.at("workloads")) run.workloads.push_back(workload_from(w));
  for (const auto& p : doc.at("phases")) {
    PhaseResult phase{p.at("name"),
                      from_seconds(p.at("start_s")),
                      from_seconds(p.at("duration_s")),
                      p.at("recorded"),
                      {}};
    for (const auto& w : p.at("workloads")) phase.workloads.push_back(workload_from(w));
    run.phases.push_back(std::move(phase));
  }
  // A capacity-search executor's parameters: the fold replays its search (added within /4).
  for (const auto& [workload, entry] : doc.at("capacity").items())
    if (const auto search = entry.find("search"); search != entry.end()) {
      RateSearchSpec& s = run.rate_searches[workload];
      s.start = search->at("start");
      s.max = search->at("max");
      s.step = search->at("step");
      s.factor = search->at("factor");
      s.hold = from_seconds(search->at("hold_s"));
      s.min_samples = search->at("min_samples");
      s.resolution = search->at("resolution");
    }
  for (const auto& l : doc.at("ledgers")) run.ledgers.push_back(ledger_from(l));
  for (const auto& f : doc.at("faults")) run.faults.push_back(fault_from(f));
  run.health_checked = doc.at("health").at("checked");
  run.health_problems = doc.at("health").at("problems").get<std::vector<std::string>>();
  for (const auto& p : doc.value("probes", json::array())) {  // added within /4
    ProbeInfo probe;
    probe.name = p.at("name");
    probe.layer = p.at("layer");
    probe.target = p.at("target");
    probe.through = p.at("through");
    probe.writable = p.at("writable");
    probe.server_login_retry = optional_seconds(p.at("server_login_retry_s"));
    probe.after = p.at("after");
    probe.tries = p.at("tries");
    probe.failed = p.at("failed");
    run.probes.push_back(std::move(probe));
  }
  for (const auto& c : doc.at("claims"))
    run.claims.push_back({c.at("id"), c.at("file"), c.at("source").at("doc"),
                          c.at("source").at("quote"), c.at("metric"), c.at("expect"),
                          status_from(c.at("verdict")), c.at("measured"), c.at("detail")});
  const json& d = doc.at("deployment");
  run.deployment.instances = d.at("instances");
  run.deployment.vcpu_per_instance = d.at("vcpu_per_instance");
  run.deployment.topology = d.at("topology").get<std::map<std::string, double>>();
  run.deployment.bcrypt_cost = d.value("bcrypt_cost", 0);  // added within /4
  if (d.contains("ceilings"))
    for (const auto& [workload, c] : d.at("ceilings").items())
      run.deployment.ceilings[workload] = {c.at("per_core"), c.at("work")};
  run.slo = doc.at("slo").get<std::map<std::string, std::string>>();
}

std::ifstream open_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw std::runtime_error(
        fmt::format("cannot read {}: is it a loadgate results directory?", file.string()));
  return in;
}

}  // namespace

RunResult read_run(const std::filesystem::path& run_dir, const FoldRequest& asked) {
  RunResult run;
  FoldRequest request = asked;
  const auto result_file = run_dir / "result.json";
  {
    auto in = open_file(result_file);
    try {
      const json doc = json::parse(in);
      const std::string schema = doc.at("schema");
      if (schema != kResultSchema)
        throw std::runtime_error(
            fmt::format("its schema is {}; this loadgate reads {}", schema, kResultSchema));
      read_result(doc, run);
      // What the run itself folded for its claims, folded again.
      for (const auto& window : doc.at("windows")) {
        const json settle = window.value("settle_s", json(nullptr));  // added within /4
        const FaultWindowScope scope = parse_window_scope(
            window.at("scope").get<std::string>(),
            settle.is_null() ? std::nullopt : std::optional(from_seconds(settle)));
        if (std::find(request.windows.begin(), request.windows.end(), scope) ==
            request.windows.end())
          request.windows.push_back(scope);
      }
      for (const auto& [workload, search] : doc.at("capacity").items())
        if (std::find(request.capacity.begin(), request.capacity.end(), workload) ==
            request.capacity.end())
          request.capacity.push_back(workload);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}", result_file.string(), e.what()));
    }
  }
  fold_run_files(run, run_dir, request);
  return run;
}

}  // namespace loadgate
