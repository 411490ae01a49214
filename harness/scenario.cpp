#include "harness/scenario.h"

#include "harness/expectation.h"
#include "harness/text_file.h"

#include <charconv>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace loadgate {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

// yaml-cpp's operator= on a Node writes through to what it refers to, which is exactly what an
// override wants: walk down by key, creating mappings where the path does not exist yet.
void set_at(YAML::Node node, const std::vector<std::string>& parts, size_t i,
            const YAML::Node& value, const std::string& flag) {
  if (node.IsSequence()) {
    size_t index = 0;
    auto [end, ec] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), index);
    if (ec != std::errc{} || end != parts[i].data() + parts[i].size() || index > node.size())
      throw ConfigError(fmt::format("--set {}: '{}' is not an index of that list", flag, parts[i]));
    if (i + 1 == parts.size()) {
      if (index == node.size())
        node.push_back(value);
      else
        node[index] = value;
      return;
    }
    set_at(node[index], parts, i + 1, value, flag);
    return;
  }
  // A key the file does not have yet is an undefined node: it becomes a mapping like null does.
  if (node.IsDefined() && !node.IsMap() && !node.IsNull())
    throw ConfigError(
        fmt::format("--set {}: '{}' holds a single value, not keys", flag,
                    fmt::join(parts.begin(), parts.begin() + static_cast<long>(i), ".")));
  if (i + 1 == parts.size()) {
    node[parts[i]] = value;
    return;
  }
  set_at(node[parts[i]], parts, i + 1, value, flag);
}

std::vector<Stage> parse_stages(const ConfigNode& node, bool rates) {
  std::vector<Stage> stages;
  for (const auto& item : node.as_list()) {
    item.allow_only({"target", "duration"});
    const ConfigNode target = item.at("target");
    Stage stage;
    stage.target = rates ? target.as_rate_per_second(/*allow_zero=*/true)
                         : static_cast<double>(target.as_integer(0, 1'000'000));
    stage.duration = item.at("duration").as_duration();
    stages.push_back(stage);
  }
  if (stages.empty()) node.fail("give at least one stage");
  return stages;
}

RateSearchSpec parse_rate_search(const ConfigNode& node) {
  node.allow_only({"type", "start", "max", "step", "factor", "hold", "min_samples", "resolution",
                   "arrivals", "max_in_flight"});
  RateSearchSpec search;
  search.start = node.at("start").as_rate_per_second();
  search.max = node.at("max").as_rate_per_second();
  if (search.max < search.start) node.at("max").fail("must be at least start");
  const auto step = node.find("step");
  const auto factor = node.find("factor");
  if (step && factor) factor->fail("give step (added) or factor (multiplied), not both");
  if (step) {
    search.step = step->as_rate_per_second();
    search.factor = 1;
  }
  if (factor) {
    search.factor = factor->as_number();
    if (!(search.factor > 1 && search.factor <= 100)) factor->fail("expected a number above 1");
  }
  if (auto hold = node.find("hold")) {
    search.hold = hold->as_duration();
    if (search.hold <= Duration::zero()) hold->fail("must be longer than zero");
  }
  if (auto samples = node.find("min_samples"))
    search.min_samples = static_cast<uint64_t>(samples->as_integer(1, 100'000'000));
  if (auto resolution = node.find("resolution")) {
    search.resolution = resolution->as_number();
    if (!(search.resolution >= 0.001 && search.resolution <= 0.5))
      resolution->fail("expected a fraction from 0.001 to 0.5 (0.05: within 5%)");
  }
  return search;
}

ExecutorSpec parse_executor(const ConfigNode& node) {
  node.require_map();
  ExecutorSpec spec;
  spec.type = node.at("type").as_string();
  if (auto cap = node.find("max_in_flight"))
    spec.max_in_flight = static_cast<size_t>(cap->as_integer(1, 1'000'000));
  if (spec.type == "constant-arrival-rate" || spec.type == "ramping-arrival-rate" ||
      spec.type == "capacity-search") {
    spec.model = ExecutorSpec::Model::open;
    if (spec.type == "capacity-search") {
      spec.search = parse_rate_search(node);
      spec.profile = LoadProfile::constant(spec.search->start);
    } else if (spec.type == "constant-arrival-rate") {
      node.allow_only({"type", "rate", "arrivals", "max_in_flight"});
      spec.profile = LoadProfile::constant(node.at("rate").as_rate_per_second());
    } else {
      node.allow_only({"type", "start_rate", "stages", "arrivals", "max_in_flight"});
      double start = 0;
      if (auto s = node.find("start_rate")) start = s->as_rate_per_second(/*allow_zero=*/true);
      spec.profile = LoadProfile(start, parse_stages(node.at("stages"), true));
    }
    if (auto arrivals = node.find("arrivals")) {
      const std::string kind = arrivals->as_string();
      if (kind == "poisson")
        spec.spacing = Arrivals::Spacing::poisson;
      else if (kind != "uniform")
        arrivals->fail("expected uniform or poisson");
    }
  } else if (spec.type == "constant-vus" || spec.type == "ramping-vus") {
    spec.model = ExecutorSpec::Model::closed;
    if (spec.type == "constant-vus") {
      node.allow_only({"type", "vus", "think", "max_in_flight"});
      spec.profile =
          LoadProfile::constant(static_cast<double>(node.at("vus").as_integer(1, 1'000'000)));
    } else {
      node.allow_only({"type", "start_vus", "stages", "think", "max_in_flight"});
      double start = 0;
      if (auto s = node.find("start_vus")) start = static_cast<double>(s->as_integer(0, 1'000'000));
      spec.profile = LoadProfile(start, parse_stages(node.at("stages"), false));
    }
    if (auto think = node.find("think")) spec.think = think->as_duration();
  } else {
    node.at("type").fail(
        fmt::format("unknown executor type '{}' (constant-arrival-rate, ramping-arrival-rate, "
                    "capacity-search, constant-vus, ramping-vus)",
                    spec.type));
  }
  return spec;
}

std::vector<Phase> parse_phases(const ConfigNode& node) {
  std::vector<Phase> phases;
  Duration start{};
  std::set<std::string> names;
  for (const auto& item : node.as_list()) {
    item.allow_only({"name", "duration", "record"});
    Phase phase;
    phase.name = item.at("name").as_string();
    if (!names.insert(phase.name).second) item.at("name").fail("phase names must be unique");
    phase.start = start;
    phase.duration = item.at("duration").as_duration();
    if (phase.duration <= Duration::zero()) item.at("duration").fail("must be longer than zero");
    phase.recorded = phase.name != "warmup";
    if (auto record = item.find("record")) phase.recorded = record->as_bool();
    start += phase.duration;
    phases.push_back(phase);
  }
  if (phases.empty()) node.fail("give at least one phase");
  return phases;
}

FaultSpec parse_fault(const ConfigNode& node, const Scenario& scenario) {
  node.require_map();
  FaultSpec fault{node.at("kind").as_string(), node.at("at").as_duration(), Duration{}, Duration{},
                  node};
  if (fault.at < Duration::zero() || fault.at >= scenario.duration)
    node.at("at").fail(fmt::format("a fault is injected during the run (0s to {})",
                                   format_duration(scenario.duration)));
  // `duration` (Chaos Mesh's word) is another name for recover_after: how long it lasts.
  if (node.find("recover_after") && node.find("duration"))
    node.at("duration").fail("give recover_after or duration (the same thing), not both");
  if (auto recover =
          node.find("recover_after") ? node.find("recover_after") : node.find("duration")) {
    fault.recover_after = recover->as_duration();
    if (fault.recover_after < Duration::zero()) recover->fail("expected a duration, like 10s");
    // Recovered after the load stopped, its window would end bad: NOT RECOVERED, wrongly.
    if (fault.at + fault.recover_after >= scenario.duration)
      recover->fail(
          fmt::format("the fault must be recovered during the run: at + recover_after "
                      "is past its end ({})",
                      format_duration(scenario.duration)));
  }
  if (auto every = node.find("every")) {
    fault.every = every->as_duration();
    if (fault.every <= fault.recover_after)
      every->fail("a fault repeats only after it has recovered: every > recover_after");
  }
  return fault;
}

TargetSpec parse_target(const ConfigNode& node) {
  node.allow_only({"testbed", "via", "urls", "instances", "vcpu_per_instance", "topology",
                   "bcrypt_cost", "calibration", "allow"});
  TargetSpec target;
  if (auto allow = node.find("allow"))
    for (const auto& host : allow->as_list()) {
      const std::string name = host.as_string();
      if (name.empty() || name.find_first_of("/ ") != std::string::npos ||
          name.find("://") != std::string::npos)
        host.fail(fmt::format(
            "allow lists host names as the scenario writes them (api.staging.example.com, "
            "*.db.internal), not '{}'",
            name));
      target.allow.push_back(name);
    }
  if (auto cost = node.find("bcrypt_cost"))
    target.bcrypt_cost = static_cast<int>(cost->as_integer(4, 31));
  if (auto calibration = node.find("calibration")) target.calibration = calibration->as_string();
  if (auto instances = node.find("instances"))
    target.instances = static_cast<size_t>(instances->as_integer(1, 100'000));
  if (auto vcpu = node.find("vcpu_per_instance")) {
    target.vcpu_per_instance = vcpu->as_number();
    if (*target.vcpu_per_instance <= 0 || *target.vcpu_per_instance > 1024)
      vcpu->fail("expected a number of vCPUs above 0 (0.25 for a quarter)");
  }
  if (auto topology = node.find("topology"))
    for (const auto& name : topology->map_keys())
      target.topology[name] = topology->at(name).as_number();
  if (auto testbed = node.find("testbed")) target.testbed = testbed->as_string();
  if (auto via = node.find("via")) {
    if (!target.testbed) via->fail("via chooses how to reach a testbed; give testbed: too");
    if (via->as_string() == "edge")
      target.via_edge = true;
    else if (via->as_string() != "direct")
      via->fail(
          "expected direct (each service instance, the default) or edge (the testbed's "
          "edge proxy in front of them, as a load balancer)");
  }
  if (auto urls = node.find("urls"))
    for (const auto& url : urls->as_list()) target.urls.push_back(url.as_string());
  if (target.testbed && !target.urls.empty()) node.fail("give either testbed or urls, not both");
  return target;
}

ClientSpec parse_client(const ConfigNode& node) {
  node.allow_only({"threads", "connect_timeout", "request_timeout", "idle_timeout", "max_in_flight",
                   "max_schedule_lag", "interval", "tls", "connections", "seed",
                   "max_response_body"});
  ClientSpec client;
  if (auto tls = node.find("tls")) {
    tls->allow_only({"insecure", "ca_file"});
    if (auto insecure = tls->find("insecure")) client.tls.verify = !insecure->as_bool();
    if (auto ca = tls->find("ca_file")) client.tls.ca_file = ca->as_string();
  }
  if (auto v = node.find("threads")) client.threads = static_cast<unsigned>(v->as_integer(1, 256));
  if (auto v = node.find("connect_timeout")) client.connect_timeout = v->as_duration();
  if (auto v = node.find("request_timeout")) client.request_timeout = v->as_duration();
  if (auto v = node.find("idle_timeout")) {
    client.idle_timeout = v->as_duration();
    if (client.idle_timeout <= Duration::zero()) v->fail("must be longer than zero");
  }
  if (auto v = node.find("max_schedule_lag")) client.max_schedule_lag = v->as_duration();
  if (auto v = node.find("interval")) {
    client.interval = v->as_duration();
    if (client.interval < std::chrono::milliseconds(100))
      v->fail("the timeline interval is at least 100ms");
  }
  if (auto v = node.find("seed")) client.seed = static_cast<uint64_t>(v->as_integer(0, INT64_MAX));
  if (auto v = node.find("connections"))
    client.connections = static_cast<size_t>(v->as_integer(1, 1'000'000));
  if (auto v = node.find("max_response_body")) {
    client.max_response_body = static_cast<size_t>(v->as_byte_size());
    if (client.max_response_body > (size_t{1} << 30)) v->fail("at most 1GiB");
  }
  if (auto v = node.find("max_in_flight"))
    client.max_in_flight = static_cast<size_t>(v->as_integer(1, 1'000'000));
  // Caps are split across the generator threads: each needs at least one.
  if (client.connections && client.connections < client.threads)
    node.at("connections").fail(fmt::format("at least one per thread ({})", client.threads));
  if (client.max_in_flight < client.threads)
    node.at("max_in_flight").fail(fmt::format("at least one per thread ({})", client.threads));
  return client;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides) {
  YAML::Node root = parse_yaml_text(text, file);
  auto source = std::make_shared<ConfigSource>();
  source->file = file;
  for (const auto& flag : overrides) {
    auto eq = flag.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(fmt::format("--set expects path.to.key=value, got \"{}\"", flag));
    std::string path = flag.substr(0, eq);
    YAML::Node value;
    try {
      value = YAML::Load(flag.substr(eq + 1));
    } catch (const YAML::ParserException& e) {
      throw ConfigError(fmt::format("--set {}: malformed value: {}", path, e.msg));
    }
    if (!root.IsMap()) throw ConfigError(fmt::format("{}: the scenario is not a mapping", file));
    set_at(root, split_path(path), 0, value, path);
    source->overridden_paths.insert(path);
  }

  ConfigNode top(root, source, "");
  top.require_map();
  top.allow_only({"name", "target", "duration", "phases", "client", "workloads", "faults",
                  "observe", "probes", "claims", "slo"});

  Scenario scenario;
  scenario.file = file;
  scenario.name = top.at("name").as_string();
  scenario.target = parse_target(top.at("target"));
  if (top.has("duration") == top.has("phases"))
    top.fail("give either duration: (one phase) or phases: [{name, duration}, ...]");
  if (auto phases = top.find("phases")) {
    scenario.phases = parse_phases(*phases);
  } else {
    const ConfigNode duration = top.at("duration");
    scenario.phases = {{"main", Duration{}, duration.as_duration(), true}};
    if (scenario.phases[0].duration <= Duration::zero()) duration.fail("must be longer than zero");
  }
  scenario.duration = scenario.phases.back().start + scenario.phases.back().duration;
  if (auto client = top.find("client")) scenario.client = parse_client(*client);

  ConfigNode workloads = top.at("workloads");
  for (const auto& name : workloads.map_keys()) {
    ConfigNode node = workloads.at(name);
    node.require_map();
    WorkloadSpec spec{name, node.at("kind").as_string(), parse_executor(node.at("executor")), node};
    scenario.workloads.push_back(std::move(spec));
  }
  if (scenario.workloads.empty()) workloads.fail("name at least one workload");
  if (auto faults = top.find("faults"))
    for (const auto& item : faults->as_list())
      scenario.faults.push_back(parse_fault(item, scenario));
  if (auto claims = top.find("claims"))
    for (const auto& item : claims->as_list()) {
      // Relative to the scenario, as a checklist's steps are to the checklist.
      const std::filesystem::path claims_file = item.as_string();
      scenario.claims.push_back(
          claims_file.is_relative() && !file.empty()
              ? (std::filesystem::path(file).parent_path() / claims_file).string()
              : claims_file.string());
    }
  if (auto slo = top.find("slo")) {
    slo->allow_only({"errors.rate", "latency.p50", "latency.p90", "latency.p95", "latency.p99",
                     "latency.p99.9", "latency.max"});
    for (const auto& key : slo->map_keys()) {
      const ConfigNode term = slo->at(key);
      try {
        const Expectation expect = parse_expectation(term.as_string());
        const Quantity wanted = key == "errors.rate" ? Quantity::share : Quantity::duration;
        if (expect.quantity() != wanted || expect.is_lower_bound())
          term.fail(fmt::format("expected an upper bound in {}, e.g. {}", quantity_name(wanted),
                                wanted == Quantity::share ? "\"< 1%\"" : "\"< 200ms\""));
      } catch (const std::invalid_argument& e) {
        term.fail(e.what());
      }
      scenario.slo[key] = term.as_string();
    }
  }
  for (const auto& w : scenario.workloads)
    if (w.executor.search && scenario.slo.empty())
      w.settings.at("executor")
          .at("type")
          .fail(
              "a capacity search judges each step against the scenario's slo:, and it has none "
              "(e.g. slo: {errors.rate: \"< 1%\", latency.p95: \"< 500ms\"})");
  if (auto observe = top.find("observe")) {
    observe->require_map();
    scenario.observe = *observe;
  }
  scenario.probes = top.find("probes");
  return scenario;
}

Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides) {
  const auto text = read_text_file(file);
  if (!text)
    throw ConfigError(fmt::format("{}: cannot read the scenario: {}", file.string(),
                                  std::error_code(errno, std::generic_category()).message()));
  return parse_scenario(*text, file.string(), overrides);
}

}  // namespace loadgate
