#include "session/run_plan.h"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faults/fault_factory.h"
#include "harness/calibration.h"
#include "harness/text_file.h"
#include "session/target_guard.h"
#include "testbed/testbed_state.h"

namespace loadgate {
namespace {

// Each login and jwt workload's physics ceiling from the calibration: the per-core rate of the
// work one of its requests costs the target (a bcrypt verification at the deployment's cost, a
// signature check of its algorithm). One that cannot be known is said in a note.
void add_ceilings(const Scenario& scenario, const Calibration& calibration, Deployment& deployment,
                  std::vector<std::string>& notes) {
  for (const auto& w : scenario.workloads) {
    if (w.kind == "login") {
      const int cost = deployment.bcrypt_cost;
      auto it = calibration.bcrypt_verify_per_core.find(cost);
      if (it == calibration.bcrypt_verify_per_core.end()) {
        notes.push_back(fmt::format(
            "{}: no physics ceiling: {}", w.name,
            cost ? fmt::format("the calibration has no bcrypt cost {} (loadgate calibrate "
                               "--bcrypt-cost {})",
                               cost, cost)
                 : std::string("the target's bcrypt cost is unknown (target.bcrypt_cost)")));
        continue;
      }
      deployment.ceilings[w.name] = {it->second,
                                     fmt::format("bcrypt verification at cost {}", cost)};
    } else if (w.kind == "jwt") {
      auto algorithm = w.settings.find("algorithm");
      const std::string name = algorithm ? algorithm->as_string() : "HS256";
      auto it = calibration.jwt_verify_per_core.find(name);
      if (it == calibration.jwt_verify_per_core.end())
        notes.push_back(
            fmt::format("{}: no physics ceiling: the calibration has no {}", w.name, name));
      else
        deployment.ceilings[w.name] = {it->second, name + " verification"};
    }
  }
}

// The claims that name workloads or fault kinds this run does not have, or gauges when nothing
// observes the deployment: not errors (a claim pack covers more than one scenario), but worth
// saying before the run.
std::vector<std::string> absent_names(const std::vector<Claim>& claims,
                                      const MetricVocabulary& names, bool observed) {
  std::set<std::string> workloads, kinds;
  size_t gauges = 0;
  for (const auto& claim : claims) {
    if (claim.model) continue;
    const std::string first = claim.metric.substr(0, claim.metric.find('.'));
    if (first == "fault") {
      const std::string rest = claim.metric.substr(6);
      const std::string kind = rest.substr(0, rest.find('.'));
      if (!names.fault_timings.contains(kind)) kinds.insert(kind);
    } else if (is_gauge_prefix(first)) {
      gauges += observed ? 0 : 1;
    } else if (!is_metric_prefix(first) && std::find(names.workloads.begin(), names.workloads.end(),
                                                     first) == names.workloads.end()) {
      workloads.insert(first);
    }
  }
  std::vector<std::string> notes;
  if (!workloads.empty())
    notes.push_back(
        fmt::format("claims on workloads this scenario does not run ({}) will be not measured",
                    fmt::join(workloads, ", ")));
  if (!kinds.empty())
    notes.push_back(
        fmt::format("claims on faults this scenario does not inject ({}) will be not measured",
                    fmt::join(kinds, ", ")));
  if (gauges > 0)
    notes.push_back(fmt::format(
        "{} claims on the deployment's gauges will be not measured: nothing observes it (run "
        "against a testbed, or give observe: in the scenario)",
        gauges));
  return notes;
}

}  // namespace

bool RunPlan::sends_http() const {
  return std::any_of(workloads.begin(), workloads.end(),
                     [](const BuiltWorkload& w) { return w.http != nullptr; });
}

RunResult planned_result(const RunPlan& plan, Duration length) {
  const Scenario& scenario = plan.scenario;
  RunResult result;
  result.scenario = scenario.name;
  result.planned_duration = length;
  result.interval = scenario.client.interval;
  result.generator.schedule_lag_threshold_us = to_micros(scenario.client.max_schedule_lag);
  result.deployment = plan.target.deployment;
  result.slo = scenario.slo;
  for (const auto& spec : scenario.workloads) {
    if (spec.executor.search) result.rate_searches[spec.name] = *spec.executor.search;
    WorkloadResult w;
    w.name = spec.name;
    w.kind = spec.kind;
    w.executor = spec.executor.type;
    result.workloads.push_back(w);
  }
  for (const auto& phase : scenario.phases) {
    if (phase.start >= length) break;
    PhaseResult p{phase.name,
                  phase.start,
                  std::min(phase.duration, length - phase.start),
                  phase.recorded,
                  {}};
    for (size_t i = 0; i < scenario.workloads.size(); ++i) {
      WorkloadResult w = result.workloads[i];
      if (scenario.workloads[i].executor.model == ExecutorSpec::Model::open &&
          !scenario.workloads[i].executor.search)  // a search's is known once it has run
        w.offered_rate = scenario.workloads[i].executor.profile.mean_level(p.start, p.duration);
      p.workloads.push_back(std::move(w));
    }
    result.phases.push_back(std::move(p));
  }
  return result;
}

std::filesystem::path default_out(const std::string& name) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return std::filesystem::path("out") / fmt::format("{}-{:%Y%m%dT%H%M%S}", name, now);
}

RunPlan make_plan(const PlanRequest& request) {
  RunPlan plan;
  plan.scenario = load_scenario(request.scenario, request.overrides);
  plan.overrides = request.overrides;
  Scenario& scenario = plan.scenario;
  if (request.testbed) {  // another testbed, reached the way the scenario says (via: edge)
    scenario.target.testbed = *request.testbed;
    scenario.target.urls.clear();
  }
  // Each workload's files (hdr/<name>.hlog, ledgers/<name>.writes) must be its own.
  for (size_t i = 0; i < scenario.workloads.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (file_name_for(scenario.workloads[i].name) == file_name_for(scenario.workloads[j].name))
        scenario.workloads[i].settings.fail(
            fmt::format("workloads '{}' and '{}' would share their files ({}): rename one",
                        scenario.workloads[j].name, scenario.workloads[i].name,
                        file_name_for(scenario.workloads[i].name)));
  plan.out = request.out.value_or(default_out(scenario.name));
  plan.target = resolve_target(scenario.target);
  plan.target.faults.log_dir = plan.out / "faults";
  plan.target.context.run_duration = scenario.duration;
  plan.workloads = make_workloads(scenario.workloads, plan.target.context);
  if (scenario.target.calibration)
    add_ceilings(scenario, read_calibration(*scenario.target.calibration), plan.target.deployment,
                 plan.notes);
  for (const auto& spec : scenario.faults)
    plan.faults.push_back({spec, make_fault(spec, plan.target.faults)});
  // Claims files are read, and their metrics checked, before anything runs: a typo in one must
  // not cost a run.
  for (const auto& file : scenario.claims)
    for (auto& claim : load_claims(file)) plan.claims.push_back(std::move(claim));
  for (const auto& file : request.claims)
    for (auto& claim : load_claims(file)) plan.claims.push_back(std::move(claim));
  if (scenario.probes) plan.probes = read_probes(*scenario.probes);
  // Where to watch the deployment: the scenario says, or the testbed's own (beside the
  // scenario's commands, when it names no server).
  if (scenario.observe) plan.observed = observed_deployment(*scenario.observe, plan.out);
  if (!plan.observed || !plan.observed->watches_servers())
    if (plan.target.faults.testbed_dir)
      if (auto state = testbed::read_state(*plan.target.faults.testbed_dir)) {
        ObservedDeployment testbed = observed_testbed(*state);
        if (plan.observed) {
          testbed.commands = std::move(plan.observed->commands);
          testbed.command_logs = plan.observed->command_logs;
          if (scenario.observe->has("every")) testbed.every = plan.observed->every;
        }
        plan.observed = std::move(testbed);
      }
  if (plan.observed)
    for (auto& command : plan.observed->commands) {
      command.env.push_back("LOADGATE_SCENARIO_DIR=" +
                            std::filesystem::absolute(scenario.file).parent_path().string());
      if (plan.target.faults.testbed_dir)
        command.env.push_back("LOADGATE_TESTBED_DIR=" +
                              std::filesystem::absolute(*plan.target.faults.testbed_dir).string());
    }
  const MetricVocabulary names = metric_vocabulary(plan);
  check_claims(plan.claims, names);
  plan.notes = absent_names(plan.claims, names, plan.observed.has_value());
  if (plan.sends_http() && plan.target.endpoints.empty())
    throw std::runtime_error(fmt::format(
        "{}: the HTTP workloads need a service: name a target (target: {{testbed: default}} or "
        "target: {{urls: [https://host]}})",
        scenario.file.string()));
  // Nothing has been sent yet: a host beyond this machine that nobody allowed stops it here.
  std::vector<std::string> allowed = scenario.target.allow;
  allowed.insert(allowed.end(), request.allowed_hosts.begin(), request.allowed_hosts.end());
  const std::vector<Reach> reach = plan_reach(plan);
  check_reach(reach, allowed, scenario.file.string());
  plan.remote_hosts = remote_hosts(reach);
  plan.faults_to_confirm = faults_to_confirm(plan, plan.remote_hosts);
  plan.faults_confirmed = request.faults_confirmed;
  return plan;
}

namespace {

MetricVocabulary common_vocabulary() {
  MetricVocabulary names;
  names.fault_kinds = fault_kinds();
  names.gauges = observed_gauge_names();
  names.gauge_prefixes = observed_gauge_families();
  return names;
}

// A kind of the user's (driver: command) is a kind its claims may name.
void add_kind(MetricVocabulary& names, const std::string& kind) {
  if (std::find(names.fault_kinds.begin(), names.fault_kinds.end(), kind) ==
      names.fault_kinds.end())
    names.fault_kinds.push_back(kind);
}

void add_timings(MetricVocabulary& names, const std::string& kind, std::vector<std::string> add) {
  auto& timings = names.fault_timings[kind];
  for (auto& name : add)
    if (std::find(timings.begin(), timings.end(), name) == timings.end())
      timings.push_back(std::move(name));
}

}  // namespace

MetricVocabulary metric_vocabulary(const RunPlan& plan) {
  MetricVocabulary names = common_vocabulary();
  if (plan.observed)
    for (const auto& command : plan.observed->commands) names.gauges.push_back(command.gauge);
  for (const auto& w : plan.scenario.workloads) names.workloads.push_back(w.name);
  for (const auto& p : plan.scenario.phases) names.phases.push_back(p.name);
  for (const auto& entry : plan.faults) {
    add_kind(names, entry.spec.kind);
    add_timings(names, entry.spec.kind, fault_timing_names(entry.spec.kind, entry.fault->driver()));
  }
  return names;
}

MetricVocabulary metric_vocabulary(const RunResult& run) {
  MetricVocabulary names = common_vocabulary();
  for (const auto& [gauge, value] : run.observed.highest)
    if (gauge.starts_with("command.")) names.gauges.push_back(gauge);
  for (const auto& w : run.workloads) names.workloads.push_back(w.name);
  for (const auto& p : run.phases) names.phases.push_back(p.name);
  for (const auto& event : run.faults) {
    add_kind(names, event.kind);
    std::vector<std::string> timings = fault_timing_names(event.kind, event.driver);
    for (const auto& [name, value] : event.timings) timings.push_back(name);
    add_timings(names, event.kind, std::move(timings));
  }
  return names;
}

void print_plan(const RunPlan& plan, std::ostream& out) {
  const Scenario& scenario = plan.scenario;
  out << fmt::format(
      "dry run of {} ({}): the scenario is valid; nothing is sent, no fault is "
      "injected\n",
      scenario.name, format_duration(scenario.duration));
  for (const auto& w : scenario.workloads)
    out << fmt::format("workload {}: {} ({})\n", w.name, w.kind, w.executor.type);
  for (const auto& entry : plan.faults) {
    const FaultSpec& f = entry.spec;
    out << fmt::format(
        "fault at {}{}{}: {}\n", format_duration(f.at),
        f.recover_after > Duration::zero()
            ? ", recovered " + format_duration(f.recover_after) + " later"
            : std::string(),
        f.every > Duration::zero() ? ", every " + format_duration(f.every) : std::string(),
        entry.fault->describe());
    for (const auto& line : entry.fault->plan()) out << "    " << line << "\n";
  }
  if (plan.probes)
    for (const auto& probe : probe_infos(*plan.probes))
      out << fmt::format("probe {}: {} {}{}\n", probe.name, probe.layer, probe.target,
                         probe.writable ? " (writable)" : "");
  if (plan.observed)
    for (const auto& command : plan.observed->commands)
      out << fmt::format("observe {} every {}: {}\n", command.gauge, format_duration(command.every),
                         command.run);
  if (!plan.claims.empty())
    out << fmt::format("{} claims, every metric checked\n", plan.claims.size());
  out << (plan.remote_hosts.empty() ? std::string("reaches this machine only (loopback)\n")
                                    : fmt::format("reaches beyond this machine (allowed): {}\n",
                                                  fmt::join(plan.remote_hosts, ", ")));
  for (const auto& fault : plan.faults_to_confirm)
    out << fmt::format("needs --confirm-faults{}: {}\n", plan.faults_confirmed ? " (given)" : "",
                       fault);
  for (const auto& note : plan.notes) out << "note: " << note << "\n";
}

}  // namespace loadgate
