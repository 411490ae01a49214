#include "cli/run_command.h"

#include <atomic>
#include <csignal>
#include <iostream>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "harness/http_connection.h"
#include "harness/load_runner.h"
#include "harness/process.h"
#include "harness/scenario.h"
#include "reports/console_summary.h"
#include "reports/json_result.h"
#include "reports/progress_line.h"
#include "reports/timeline_writer.h"
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
  if (resolved.endpoints.empty())
    throw std::runtime_error("the target has no service URL (a testbed that did not finish `up`?)");
  return resolved;
}

// Every connection is a file descriptor: raise the limit as far as allowed, refuse a closed
// model that cannot fit, and warn when open-loop caps could be reached.
void check_open_file_limit(const Scenario& scenario) {
  const uint64_t limit = raise_open_file_limit();
  constexpr uint64_t kReserved = 64;  // logs, timeline, resolver, the process's own files
  uint64_t vus = 0, open_cap = 0;
  for (const auto& w : scenario.workloads) {
    if (w.executor.model == ExecutorSpec::Model::closed)
      vus += static_cast<uint64_t>(w.executor.profile.peak());
    else
      open_cap +=
          w.executor.max_in_flight ? w.executor.max_in_flight : scenario.client.max_in_flight;
  }
  if (vus + kReserved > limit)
    throw std::runtime_error(fmt::format(
        "{} virtual users need {} open files, but this process may open only {} (raise the hard "
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

}  // namespace

int run(const RunArgs& args) {
  Scenario scenario;
  ResolvedTarget target;
  std::vector<std::unique_ptr<Workload>> workloads;
  std::vector<WorkloadRun> runs;
  try {
    scenario = load_scenario(args.scenario, args.overrides);
    if (args.testbed) scenario.target = {*args.testbed, {}};
    target = resolve_target(scenario.target);
    TlsContext tls(scenario.client.tls);
    for (const auto& endpoint : target.endpoints)
      if (auto problem = check_reachable(endpoint, scenario.client.connect_timeout, &tls))
        throw std::runtime_error(*problem);
    target.context.run_duration = scenario.duration;
    for (const auto& spec : scenario.workloads) {
      workloads.push_back(make_workload(spec, target.context));
      workloads.back()->prepare();
      runs.push_back({spec.name, spec.kind, workloads.back().get(), spec.executor});
    }
    check_open_file_limit(scenario);
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }

  const auto out = args.out.value_or(default_out(scenario));
  std::optional<TimelineWriter> timeline;
  try {
    timeline.emplace(out / "timeline.jsonl");
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
  {
    ProgressLine progress(scenario.duration);
    RunOptions options;
    options.phases = scenario.phases;
    options.client = scenario.client;
    options.interval = scenario.client.interval;
    options.endpoints = target.endpoints;
    options.stop_requested = &stop_requested;
    options.on_interval = [&](const IntervalSample& sample) {
      timeline->write(sample);
      progress.update(sample);
    };
    result = run_load(runs, options);
  }
  result.scenario = scenario.name;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  print_summary(result, std::cout);
  try {
    write_json_result(result, out / "result.json");
  } catch (const std::exception& e) {
    std::cerr << "loadgate: " << e.what() << "\n";
    return 2;
  }
  std::cout << fmt::format("results: {}\n", (out / "result.json").string());
  return result.interrupted ? 130 : 0;
}

}  // namespace loadgate::cli
