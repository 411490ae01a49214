#include "reports/claims.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/config_node.h"
#include "reports/service_level.h"

namespace loadgate {
namespace {

std::string read_whole(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the claims file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_throughput(const std::string& metric) {
  return metric.ends_with(".throughput") || metric.ends_with(".throughput_per_instance") ||
         metric.ends_with(".throughput_per_vcpu");
}

bool is_capacity(const std::string& metric) {
  return metric.ends_with(".capacity") || metric.ends_with(".capacity_per_instance") ||
         metric.ends_with(".capacity_per_vcpu");
}

// The model's numbers: the deployment's where it knows them, else the document's.
ClaimVerdict judge_model(const Claim& claim, const RunResult& run, ClaimVerdict v) {
  std::vector<std::string> used;
  auto lookup = [&](const std::string& name) -> std::optional<double> {
    std::optional<double> value;
    const char* from = "deployment";
    if (auto it = run.deployment.topology.find(name); it != run.deployment.topology.end())
      value = it->second;
    else if (name == "service_instances" && run.deployment.instances > 0)
      value = static_cast<double>(run.deployment.instances);
    else if (name == "vcpu_per_instance" && run.deployment.vcpu_per_instance > 0)
      value = run.deployment.vcpu_per_instance;
    else if (auto given = claim.given.find(name); given != claim.given.end())
      value = given->second, from = "document";
    if (value) used.push_back(fmt::format("{}={:g} ({})", name, *value, from));
    return value;
  };
  try {
    const double value = claim.model->evaluate(lookup);
    v.measured = format_value(value, claim.expect.quantity());
    v.detail = fmt::format("model: {}", fmt::join(used, ", "));
    v.status =
        claim.expect.holds(value) ? ClaimVerdict::Status::held : ClaimVerdict::Status::broken;
  } catch (const std::invalid_argument& e) {
    v.detail = fmt::format("{}: give it in the claim's given: or the scenario's target.topology",
                           e.what());
  }
  return v;
}

}  // namespace

std::vector<Claim> load_claims(const std::filesystem::path& file) {
  const auto source = std::make_shared<const ConfigSource>(ConfigSource{file.string(), {}});
  const ConfigNode root(parse_yaml_text(read_whole(file), file.string()), source, "");
  root.allow_only({"claims"});
  std::vector<Claim> claims;
  std::set<std::string> ids;
  for (const auto& item : root.at("claims").as_list()) {
    item.allow_only({"id", "source", "metric", "model", "given", "expect", "phase", "window",
                     "settle", "note", "requires"});
    Claim claim;
    claim.id = item.at("id").as_string();
    if (!ids.insert(claim.id).second) item.at("id").fail("claim ids must be unique in a file");
    claim.file = file.string();
    const ConfigNode source_node = item.at("source");
    source_node.allow_only({"doc", "quote"});
    claim.source_doc = source_node.at("doc").as_string();
    claim.source_quote = source_node.at("quote").as_string();
    if (item.has("metric") == item.has("model"))
      item.fail("give either metric: (measured by the run) or model: (arithmetic on the topology)");
    auto located = [](const ConfigNode& node) {
      return fmt::format("{}: {}", node.where(), node.path());
    };
    if (auto metric = item.find("metric")) {
      claim.metric = metric->as_string();
      claim.metric_at = located(*metric);
    }
    if (auto model = item.find("model")) {
      try {
        claim.model.emplace(model->as_string());
      } catch (const std::invalid_argument& e) {
        model->fail(e.what());
      }
      claim.metric = "model: " + model->as_string();
    }
    if (auto given = item.find("given")) {
      if (!claim.model)
        given->fail("given: holds a model claim's numbers; this claim has no model:");
      for (const auto& name : given->map_keys()) claim.given[name] = given->at(name).as_number();
    }
    if (auto note = item.find("note")) claim.note = note->as_string();
    if (auto requirement = item.find("requires")) {
      const std::string text = requirement->as_string();
      const size_t space = text.find(' ');
      try {
        if (space == std::string::npos) throw std::invalid_argument("write METRIC >= VALUE");
        claim.precondition.emplace(text.substr(0, space),
                                   parse_expectation(text.substr(space + 1)));
      } catch (const std::invalid_argument& e) {
        requirement->fail(fmt::format("\"{}\": {}", text, e.what()));
      }
      claim.requires_at = located(*requirement);
    }
    try {
      claim.expect = parse_expectation(item.at("expect").as_string());
    } catch (const std::invalid_argument& e) {
      item.at("expect").fail(e.what());
    }
    if (auto phase = item.find("phase")) {
      claim.phase = phase->as_string();
      claim.phase_at = located(*phase);
    }
    const auto settle = item.find("settle");
    if (auto window = item.find("window")) {
      if (claim.phase) window->fail("give a phase or a fault window, not both");
      try {
        claim.window = parse_window_scope(
            window->as_string(),
            settle ? std::optional<Duration>(settle->as_duration()) : std::nullopt);
      } catch (const std::invalid_argument& e) {
        (settle ? *settle : *window).fail(e.what());
      }
      claim.window_at = located(*window);
    } else if (settle) {
      settle->fail("settle goes with window: after <kind>");
    }
    if (is_capacity(claim.metric) && (claim.phase || claim.window))
      item.fail(
          "a capacity is searched over the recorded phases: leave out phase: and window: (mark "
          "the phases to leave out record: false)");
    claims.push_back(std::move(claim));
  }
  return claims;
}

void check_claims(const std::vector<Claim>& claims, const MetricVocabulary& names) {
  for (const auto& claim : claims) {
    if (!claim.model)
      if (auto problem = metric_problem(claim.metric, names))
        throw ConfigError(fmt::format("{}: {}", claim.metric_at, *problem));
    if (claim.precondition)
      if (auto problem = metric_problem(claim.precondition->first, names))
        throw ConfigError(fmt::format("{}: {}", claim.requires_at, *problem));
    if (claim.phase &&
        std::find(names.phases.begin(), names.phases.end(), *claim.phase) == names.phases.end())
      if (auto nearest = near_miss(*claim.phase, names.phases))
        throw ConfigError(fmt::format("{}: no phase '{}' in this run (did you mean '{}'?)",
                                      claim.phase_at, *claim.phase, *nearest));
    if (claim.window && std::find(names.fault_kinds.begin(), names.fault_kinds.end(),
                                  claim.window->kind) == names.fault_kinds.end()) {
      const auto nearest = near_miss(claim.window->kind, names.fault_kinds);
      throw ConfigError(
          fmt::format("{}: no fault kind '{}' ({})", claim.window_at, claim.window->kind,
                      nearest ? fmt::format("did you mean '{}'?", *nearest)
                              : fmt::format("one of: {}", fmt::join(names.fault_kinds, ", "))));
    }
  }
}

FoldRequest fold_request_for(const std::vector<Claim>& claims) {
  FoldRequest request;
  auto ask_capacity = [&](const std::string& metric) {
    if (!is_capacity(metric)) return;
    const std::string workload = metric.substr(0, metric.find('.'));
    if (std::find(request.capacity.begin(), request.capacity.end(), workload) ==
        request.capacity.end())
      request.capacity.push_back(workload);
  };
  for (const auto& claim : claims) {
    ask_capacity(claim.metric);
    if (claim.precondition) ask_capacity(claim.precondition->first);
    if (claim.window && std::find(request.windows.begin(), request.windows.end(), *claim.window) ==
                            request.windows.end())
      request.windows.push_back(*claim.window);
  }
  return request;
}

namespace {

// Why a capacity claim (a lower bound on a throughput or capacity) cannot hold on the deployment's
// hardware: its workload's physics ceiling (harness/calibration.h) times the vCPUs the metric
// is per is below the claimed rate. Nothing when the ceiling or the vCPUs are unknown.
std::optional<std::string> beyond_physics(const Claim& claim, const RunResult& run) {
  if (!(is_throughput(claim.metric) || is_capacity(claim.metric)) || !claim.expect.is_lower_bound())
    return std::nullopt;
  const auto& d = run.deployment;
  auto it = d.ceilings.find(claim.metric.substr(0, claim.metric.find('.')));
  if (it == d.ceilings.end()) return std::nullopt;
  double cores = 1;
  std::string on = "1 vCPU";
  if (claim.metric.ends_with("_per_instance")) {
    if (d.vcpu_per_instance <= 0) return std::nullopt;
    cores = d.vcpu_per_instance;
    on = fmt::format("{:g} vCPU", cores);
  } else if (!claim.metric.ends_with("_per_vcpu")) {
    if (d.vcpu_per_instance <= 0 || d.instances == 0) return std::nullopt;
    cores = d.vcpu_per_instance * static_cast<double>(d.instances);
    on = fmt::format("{} instances of {:g} vCPU", d.instances, d.vcpu_per_instance);
  }
  const double ceiling = it->second.per_core * cores;
  if (claim.expect.bound.amount <= ceiling) return std::nullopt;
  return fmt::format("the ceiling on {} for {} is {}: the claim of {} is physically impossible", on,
                     it->second.work, format_value(ceiling, Quantity::rate),
                     format_value(claim.expect.bound.amount, Quantity::rate));
}

ClaimVerdict judge_measured(const Claim& claim, const RunResult& run) {
  ClaimVerdict v{claim.id,
                 claim.file,
                 claim.source_doc,
                 claim.source_quote,
                 claim.metric,
                 claim.expect.text,
                 ClaimVerdict::Status::not_measured,
                 "",
                 ""};
  if (claim.model) return judge_model(claim, run, std::move(v));
  // The stretch of the run judged: the recorded totals, a phase, or fault windows.
  MeasuredScope scope = totals_scope(run);
  if (claim.phase) {
    auto phase = phase_scope(run, *claim.phase);
    if (!phase) {
      v.detail = fmt::format("the run has no phase '{}'", *claim.phase);
      return v;
    }
    scope = *phase;
  }
  if (claim.window) {
    for (const auto& f : run.faults)
      if (f.kind == claim.window->kind && !f.injected) {
        v.detail = fmt::format("a {} injection failed ({})", f.kind, f.error);
        return v;
      }
    for (const auto& window : run.windows)
      if (window.scope == *claim.window && !window.never_recovered.empty()) {
        v.status = ClaimVerdict::Status::broken;
        v.measured = "never recovered";
        v.detail = fmt::format("no {}: never recovered: {}", claim.window->label(),
                               fmt::join(window.never_recovered, ", "));
        return v;
      }
    auto window = window_scope(run, *claim.window);
    if (!window || window->intervals == 0) {
      const bool any = std::any_of(run.faults.begin(), run.faults.end(), [&](const FaultEvent& f) {
        return f.kind == claim.window->kind;
      });
      v.detail = any ? fmt::format("the timeline has no interval {}", claim.window->text)
                     : fmt::format("no {} fault was injected", claim.window->kind);
      return v;
    }
    scope = *window;
  }
  if (claim.precondition) {
    const auto& [metric, condition] = *claim.precondition;
    const Measurement r = measure(metric, run, scope);
    if (!r.value || !condition.holds(*r.value)) {
      v.detail =
          fmt::format("the run did not reach {} {} (measured {}): not a test of this claim", metric,
                      condition.text, r.value ? format_value(*r.value, r.quantity) : r.why);
      return v;
    }
  }
  const Measurement m = measure(claim.metric, run, scope);
  if (!m.value) {
    v.detail = m.why;
    return v;
  }
  v.measured = std::isinf(*m.value) ? "never" : format_value(*m.value, m.quantity);
  v.detail = m.evidence;
  if (m.quantity != claim.expect.quantity()) {
    v.detail = fmt::format("{} is {}, the claim expects {}", claim.metric,
                           quantity_name(m.quantity), quantity_name(claim.expect.quantity()));
    return v;
  }
  // A generator that fell behind voids only the scope it fell behind in.
  if (m.from_load && scope.generator->generator_bound) {
    v.detail = fmt::format(
        "generator-bound {} (schedule lag p99 {}): the numbers describe loadgate", scope.label,
        format_value(static_cast<double>(scope.generator->schedule_lag_p99_us) / 1e6,
                     Quantity::duration));
    return v;
  }
  bool holds = claim.expect.holds(*m.value);
  // A slope is judged with its margin: one noisy hour is neither a leak nor proof of none.
  if (m.margin) {
    const bool low = claim.expect.holds(*m.value - *m.margin);
    const bool high = claim.expect.holds(*m.value + *m.margin);
    if (low != high || (!low && holds)) {
      v.detail = fmt::format("{}: the margin straddles {}; a longer run narrows it", v.detail,
                             claim.expect.text);
      return v;
    }
  }
  // A capacity below the claim says nothing until the search found where the SLO breaks.
  if (is_capacity(claim.metric) && claim.expect.is_lower_bound() && !holds && !m.ceiling_found) {
    v.detail = fmt::format(
        "the SLO held at every rate offered (up to {}): offer more than {} to find the ceiling",
        format_value(m.highest_rate, Quantity::rate),
        format_value(claim.expect.bound.amount, Quantity::rate));
    return v;
  }
  // A capacity claim is judged only at the claimed rate: less offered proves nothing either way.
  // Offered at least that, it holds when the target kept up with what it was offered, within
  // the counting noise of the arrivals (3 standard deviations of a Poisson count).
  // (In a fault window throughput is behaviour under the fault, not a capacity.)
  if (is_throughput(claim.metric) && claim.expect.is_lower_bound() && !scope.fault_window) {
    if (!m.offered) {
      if (!holds) {
        v.detail = "a closed-model run offers no rate: judge capacity with an open-model executor";
        return v;
      }
    } else if (*m.offered < claim.expect.bound.amount) {
      v.detail =
          fmt::format("offered {}, below the claimed {}", format_value(*m.offered, Quantity::rate),
                      format_value(claim.expect.bound.amount, Quantity::rate));
      return v;
    } else {
      holds = *m.value >= *m.offered - m.counting_noise;
      v.detail += fmt::format(", offered {}", format_value(*m.offered, Quantity::rate));
      // Kept up, but not within the service level: that rate is not a capacity.
      const std::string workload = claim.metric.substr(0, claim.metric.find('.'));
      for (const auto& w : *scope.workloads)
        if (w.name == workload && holds)
          if (auto breach = slo_breach(w, run.slo)) {
            holds = false;
            v.detail += ", but " + *breach;
          }
    }
  }
  v.status = holds ? ClaimVerdict::Status::held : ClaimVerdict::Status::broken;
  return v;
}

}  // namespace

ClaimVerdict judge(const Claim& claim, const RunResult& run) {
  ClaimVerdict v = judge_measured(claim, run);
  if (auto physics = beyond_physics(claim, run)) {
    if (v.status == ClaimVerdict::Status::held) {
      v.detail += "; yet " + *physics + ": check the calibration";
    } else {
      // Physics decides what no run could: not even the most load would make it hold.
      v.status = ClaimVerdict::Status::broken;
      v.detail = v.detail.empty() ? *physics : *physics + "; " + v.detail;
    }
  }
  return v;
}

}  // namespace loadgate
