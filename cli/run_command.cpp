#include "cli/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <system_error>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli/verdict_exit.h"
#include "faults/client_recovery.h"
#include "faults/deployment_observer.h"
#include "faults/fault_factory.h"
#include "faults/fault_impact.h"
#include "faults/fault_timeline.h"
#include "harness/http_connection.h"
#include "harness/load_runner.h"
#include "harness/process.h"
#include "harness/scenario.h"
#include "harness/text_file.h"
#include "reports/claims.h"
#include "reports/console_summary.h"
#include "reports/hdr_interval_log.h"
#include "reports/html_report.h"
#include "reports/json_result.h"
#include "reports/junit_report.h"
#include "reports/markdown_summary.h"
#include "reports/observations_file.h"
#include "reports/progress_line.h"
#include "reports/timeline_writer.h"
#include "testbed/testbed_health.h"
#include "testbed/testbed_state.h"
#include "workloads/workload_factory.h"

namespace loadgate::cli {
namespace {

std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void request_stop(int) {
  stop_requested.store(true);
}

struct ResolvedTarget {
  std::vector<Endpoint> endpoints;
  WorkloadContext context;
  FaultContext faults;
  Deployment deployment;
};

ResolvedTarget resolve_target(const TargetSpec& target) {
  ResolvedTarget resolved;
  std::vector<std::string> urls = target.urls;
  if (target.testbed) {
    const auto dir = testbed::resolve_dir(*target.testbed);
    auto state = testbed::read_state(dir);
    if (!state)
      throw std::runtime_error(
          fmt::format("no testbed in {}: start one with `loadgate testbed up --dir {}`",
                      dir.string(), dir.string()));
    urls = state->service_urls();
    resolved.deployment.instances = state->with_role("service").size();
    resolved.deployment.topology = state->topology();
    if (target.via_edge) {
      const auto* edge = state->find("edge-proxy");
      if (!edge)
        throw std::runtime_error(fmt::format(
            "the testbed in {} has no edge proxy (it predates it): `loadgate testbed down` and "
            "`up` again",
            dir.string()));
      urls = {fmt::format("http://{}:{}", edge->host, edge->port)};
    }
    resolved.faults.testbed_dir = dir;
    for (const auto* pgbouncer : state->with_role("pgbouncer"))
      resolved.context.database_dsns.push_back(fmt::format("host={} port={} dbname={} user={}",
                                                           pgbouncer->host, pgbouncer->port,
                                                           state->database, state->db_user));
    if (const auto* endpoint = state->find("endpoint-proxy"))
      resolved.context.database_endpoint_dsn =
          fmt::format("host={} port={} dbname={} user={}", endpoint->host, endpoint->port,
                      state->database, state->db_user);
    resolved.context.db_password_file = state->db_password_file;
    resolved.context.jwt_secret_file = state->jwt_secret_file;
    resolved.context.jwt_rs256_private_key_file = state->jwt_rs256_private_key_file;
    resolved.context.jwt_es256_private_key_file = state->jwt_es256_private_key_file;
    // The seeded users' credentials follow the pattern the state names: user<n>, password<n % k>.
    const int count = std::min(state->users.count, 100'000);
    for (int n = 1; n <= count; ++n)
      resolved.context.seeded_users.push_back(
          {fmt::format("user{}", n),
           fmt::format("password{}", n % state->users.distinct_passwords)});
  }
  for (const auto& url : urls) resolved.endpoints.push_back(parse_endpoint(url));
  // What the scenario says of the deployment outranks what the testbed says of itself.
  if (target.instances) resolved.deployment.instances = *target.instances;
  if (target.vcpu_per_instance) resolved.deployment.vcpu_per_instance = *target.vcpu_per_instance;
  for (const auto& [name, value] : target.topology) resolved.deployment.topology[name] = value;
  return resolved;
}

// Every connection is a file descriptor: raise the limit as far as allowed, refuse a closed
// model that cannot fit, and warn when open-loop caps could be reached.
void check_open_file_limit(const Scenario& scenario, const std::vector<BuiltWorkload>& built) {
  const uint64_t limit = raise_open_file_limit();
  constexpr uint64_t kReserved = 64;  // logs, timeline, resolver, the process's own files
  uint64_t vus = 0, open_cap = 0;
  for (size_t i = 0; i < scenario.workloads.size(); ++i) {
    const WorkloadSpec& w = scenario.workloads[i];
    if (built[i].blocking)
      vus += built[i].database_connections;  // a file each, whatever the executor
    else if (w.executor.model == ExecutorSpec::Model::closed)
      vus += static_cast<uint64_t>(w.executor.profile.peak());
    else
      open_cap +=
          w.executor.max_in_flight ? w.executor.max_in_flight : scenario.client.max_in_flight;
  }
  if (vus + kReserved > limit)
    throw std::runtime_error(
        fmt::format("{} virtual users and database connections need {} open files, but this "
                    "process may open only {} (raise the hard "
                    "limit: ulimit -Hn, or LimitNOFILE= for a service)",
                    vus, vus + kReserved, limit));
  if (vus + open_cap + kReserved > limit)
    std::cerr << fmt::format(
        "loadgate: note: max_in_flight allows up to {} connections but only {} files may be open; "
        "beyond that requests fail as too_many_files\n",
        vus + open_cap, limit);
}

std::filesystem::path default_out(const Scenario& scenario) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return std::filesystem::path("out") / fmt::format("{}-{:%Y%m%dT%H%M%S}", scenario.name, now);
}

// --dry-run: what the run would do, with every fault's commands, and nothing sent.
void print_plan(const Scenario& scenario, const std::vector<FaultTimeline::Entry>& faults,
                std::ostream& out) {
  out << fmt::format(
      "dry run of {} ({}): the scenario is valid; nothing is sent, no fault is "
      "injected\n",
      scenario.name, format_duration(scenario.duration));
  for (const auto& w : scenario.workloads)
    out << fmt::format("workload {}: {} ({})\n", w.name, w.kind, w.executor.type);
  for (const auto& entry : faults) {
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
}

}  // namespace

int run(const RunArgs& args) {
  Scenario scenario;
  ResolvedTarget target;
  std::vector<BuiltWorkload> workloads;
  std::vector<WorkloadRun> runs;
  std::vector<FaultTimeline::Entry> faults;
  std::optional<ObservedDeployment> observed;
  std::vector<Claim> claims;
  std::filesystem::path out;
  bool http = false;  // some workload sends HTTP requests: it needs the target's service URLs
  try {
    scenario = load_scenario(args.scenario, args.overrides);
    if (args.testbed) {  // another testbed, reached the way the scenario says (via: edge)
      scenario.target.testbed = *args.testbed;
      scenario.target.urls.clear();
    }
    out = args.out.value_or(default_out(scenario));
    target = resolve_target(scenario.target);
    target.faults.log_dir = out / "faults";
    target.context.run_duration = scenario.duration;
    workloads = make_workloads(scenario.workloads, target.context);
    for (const auto& spec : scenario.faults)
      faults.push_back({spec, make_fault(spec, target.faults)});
    // Claims files are read before anything runs: a typo in one must not cost a run.
    for (const auto& file : scenario.claims)
      for (auto& claim : load_claims(file)) claims.push_back(std::move(claim));
    for (const auto& file : args.claims)
      for (auto& claim : load_claims(file)) claims.push_back(std::move(claim));
    // Where to watch the deployment: the scenario says, or the testbed's own.
    if (scenario.observe)
      observed = observed_deployment(*scenario.observe);
    else if (target.faults.testbed_dir)
      if (auto state = testbed::read_state(*target.faults.testbed_dir))
        observed = observed_testbed(*state);
    if (args.dry_run) {
      print_plan(scenario, faults, std::cout);
      return 0;
    }
    http = std::any_of(workloads.begin(), workloads.end(),
                       [](const BuiltWorkload& w) { return w.http != nullptr; });
    if (http && target.endpoints.empty())
      throw std::runtime_error(fmt::format(
          "{}: the HTTP workloads need a service: name a target (target: {{testbed: default}} or "
          "target: {{urls: [https://host]}})",
          scenario.file.string()));
    TlsContext tls(scenario.client.tls);
    if (http)
      for (const auto& endpoint : target.endpoints)
        if (auto problem = check_reachable(endpoint, scenario.client.connect_timeout, &tls))
          throw std::runtime_error(*problem);
    if (observed) check_observable(*observed);  // a bad DSN fails now, not as gaps
    // Before prepare(): an sql workload opens its min_connections there.
    check_open_file_limit(scenario, workloads);
    for (size_t i = 0; i < workloads.size(); ++i) {
      const WorkloadSpec& spec = scenario.workloads[i];
      workloads[i].prepare();
      runs.push_back({spec.name, spec.kind, workloads[i].http.get(), spec.executor,
                      workloads[i].blocking.get(), virtual_users_of(spec.executor)});
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }

  std::optional<TimelineWriter> timeline;
  std::optional<HdrIntervalLog> latency_log;
  std::optional<ObservationsWriter> observations_file;
  try {
    timeline.emplace(out / "timeline.jsonl");
    latency_log.emplace(out / "hdr");
    if (observed) observations_file.emplace(out / "observations.jsonl");
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  std::cerr << fmt::format("loadgate: running {} for {} against {} target(s); results in {}\n",
                           scenario.name, format_duration(scenario.duration),
                           target.endpoints.size(), out.string());
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  RunResult result;
  std::vector<TimelinePoint> timeline_points;
  std::vector<TrackedClients> tracked;
  for (size_t i = 0; i < workloads.size(); ++i) {
    if (workloads[i].clients) tracked.push_back({runs[i].name, workloads[i].clients});
    if (runs[i].vus) tracked.push_back({runs[i].name, runs[i].vus});
  }
  std::atomic<Clock::rep> run_start{0};  // set when the load starts, read by fault follow-ups
  // After each fault: the ledgers are read back, and each client must succeed again.
  auto after_recovery = [&](FaultEvent& event, Duration window_end) {
    for (const auto& w : workloads)
      if (w.ledger) event.ledgers.push_back(w.ledger->verify());
    const Clock::time_point start{Clock::duration(run_start.load())};
    // Until the next fault, or a few seconds when that was due before this one recovered.
    const Duration until = window_end > event.recovered_at
                               ? window_end
                               : event.recovered_at + kClientRecoveryMinimumWatch;
    event.clients = await_client_recovery(
        tracked, start + event.recovered_at,
        std::min(start + event.recovered_at + kClientRecoveryDeadline, start + until),
        &stop_requested);
  };
  // Declared before the run so that, however the run ends, its destructor recovers every fault.
  FaultTimeline fault_timeline(std::move(faults), scenario.duration, &stop_requested,
                               after_recovery);
  FaultImpactAnalysis fault_impact;
  std::optional<DeploymentObserver> observer;
  if (observed)
    observer.emplace(std::move(*observed),
                     [&](const ObservedSample& sample) { observations_file->write(sample); });
  {
    ProgressLine progress(scenario.duration);
    RunOptions options;
    options.phases = scenario.phases;
    options.client = scenario.client;
    options.interval = scenario.client.interval;
    if (http) options.endpoints = target.endpoints;
    options.stop_requested = &stop_requested;
    options.on_start = [&](Clock::time_point start) {
      run_start = start.time_since_epoch().count();
      latency_log->start(WallClock::now());
      fault_timeline.start(start);
      if (observer) observer->start(start);
    };
    options.on_interval = [&](const IntervalSample& sample) {
      if (!scenario.faults.empty()) fault_impact.add(sample);
      timeline_points.push_back(timeline_point(sample));
      timeline->write(timeline_points.back());
      latency_log->write(sample);
      progress.update(sample);
    };
    try {
      result = run_load(runs, options);
    } catch (const std::exception& e) {
      // Starting threads failed (a pids limit), or writing the timeline did (a full disk).
      // Returning unwinds the fault timeline, which recovers what it injected.
      std::cerr << fmt::format("loadgate: the run stopped: {}\n", e.what());
      return 2;
    }
  }
  result.scenario = scenario.name;
  result.timeline = std::move(timeline_points);
  result.deployment = target.deployment;
  result.slo = scenario.slo;
  result.faults = fault_timeline.finish();
  fault_impact.analyse(result.faults, scenario.duration);
  if (observer) result.observations = observer->finish(result.faults, scenario.duration);
  if (!scenario.faults.empty() && target.faults.testbed_dir) {
    // Faults broke the testbed on purpose: it must be whole again.
    if (auto state = testbed::read_state(*target.faults.testbed_dir)) {
      result.health_checked = true;
      result.health_problems = testbed::health_problems(*state);
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  for (const auto& w : workloads)
    for (const auto& database : w.database_targets)
      if (std::find(result.targets.begin(), result.targets.end(), database) == result.targets.end())
        result.targets.push_back(database);
  for (const auto& w : workloads)
    if (w.ledger) result.ledgers.push_back(w.ledger->verify());

  for (const auto& claim : claims) result.claims.push_back(judge(claim, result));
  print_summary(result, std::cout, isatty(STDOUT_FILENO));
  try {
    write_json_result(result, out / "result.json");
    write_text_file(out / "junit.xml", junit_xml(result));
    write_text_file(out / "summary.md", markdown_summary(result));
    write_text_file(out / "report.html", html_report(result));
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  std::cout << fmt::format("results: {}\n", (out / "result.json").string());
  // Every problem is printed; the exit code is the gravest: a lost write (1) outranks an
  // interruption (130), which outranks a run that could not do or check what it planned (2).
  bool failed = false;
  for (const auto& ledger : result.ledgers)
    if (!ledger.verified) {
      std::cerr << fmt::format("loadgate: the writes of {} could not be read back: {}\n",
                               ledger.workload, ledger.verify_error);
      failed = true;
    }
  for (const auto& fault : result.faults)
    if (!fault.error.empty()) {
      // The run did not do what the scenario planned, or left the deployment broken.
      std::cerr << fmt::format("loadgate: fault {}: {}\n", fault.description, fault.error);
      failed = true;
    }
  if (!result.health_problems.empty()) {
    std::cerr << "loadgate: the deployment is NOT HEALTHY after the run\n";
    failed = true;
  }
  const int verdicts = verdict_exit_code(result, args.gate, std::cerr);
  const int exit_code = verdicts ? verdicts : result.interrupted ? 130 : failed ? 2 : 0;
  return exit_code;
}

}  // namespace loadgate::cli
