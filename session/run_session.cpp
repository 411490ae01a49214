#include "session/run_session.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faults/client_recovery.h"
#include "faults/fault_journal.h"
#include "harness/http_connection.h"
#include "harness/load_runner.h"
#include "harness/process.h"
#include "harness/text_file.h"
#include "observe/probe_sampler.h"
#include "reports/claims.h"
#include "reports/downtime_attribution.h"
#include "reports/hdr_interval_log.h"
#include "reports/observations_file.h"
#include "reports/rate_search.h"
#include "reports/run_fold.h"
#include "reports/timeline_file.h"
#include "session/target_guard.h"
#include "testbed/testbed_health.h"
#include "testbed/testbed_state.h"

namespace loadgate {
namespace {

constexpr auto kTrimEvery = std::chrono::seconds(30);

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

// The sinks of one run, fed on the session's thread: the first failure is kept, the run told to
// stop, and nothing more is written (what was written stays whole).
class SinkFanout {
 public:
  SinkFanout(std::vector<IntervalSink*> sinks, std::stop_source& stop)
      : sinks_(std::move(sinks)), stop_(stop) {}

  void start(WallClock::time_point at) {
    each([&](IntervalSink& s) { s.start(at); });
  }
  void write(const IntervalRecord& interval) {
    deliver_samples();
    each([&](IntervalSink& s) { s.write(interval); });
  }
  // From the observer's thread: queued for the session's.
  void queue(ObservedSample sample) {
    std::lock_guard lock(mutex_);
    samples_.push_back(std::move(sample));
  }
  // From the fault timeline's thread: queued for the session's.
  void queue(const FaultEvent& event, bool active) {
    std::lock_guard lock(mutex_);
    edges_.push_back({event, active});
  }
  void deliver_samples() {
    std::deque<ObservedSample> samples;
    std::deque<std::pair<FaultEvent, bool>> edges;
    {
      std::lock_guard lock(mutex_);
      samples.swap(samples_);
      edges.swap(edges_);
    }
    for (const auto& sample : samples) each([&](IntervalSink& s) { s.observe(sample); });
    for (const auto& [event, active] : edges)
      each([&](IntervalSink& s) { s.fault(event, active); });
  }
  void finish() {
    deliver_samples();
    each([](IntervalSink& s) { s.finish(); });
  }
  const std::string& failure() const { return failure_; }
  // A failure found elsewhere (a ledger's file): as if a sink had thrown it.
  void fail(const std::string& why) {
    if (!failure_.empty()) return;
    failure_ = why;
    stop_.request_stop();
  }

 private:
  template <typename F>
  void each(F&& f) {
    if (!failure_.empty()) return;
    for (IntervalSink* sink : sinks_) {
      try {
        f(*sink);
      } catch (const std::exception& e) {
        failure_ = e.what();
        stop_.request_stop();
        return;
      }
    }
  }

  std::vector<IntervalSink*> sinks_;
  std::stop_source& stop_;
  std::mutex mutex_;
  std::deque<ObservedSample> samples_;
  std::deque<std::pair<FaultEvent, bool>> edges_;
  std::string failure_;
};

}  // namespace

RunSession::RunSession(RunPlan& plan, std::vector<IntervalSink*> sinks)
    : plan_(plan), sinks_(std::move(sinks)) {}

RunSession::~RunSession() = default;

void RunSession::prepare() {
  if (prepared_) return;
  const Scenario& scenario = plan_.scenario;
  const std::filesystem::path& out = plan_.out;
  const bool http = plan_.sends_http();
  // Before anything reaches out: faults that may act beyond this machine need their yes.
  if (!plan_.faults_to_confirm.empty() && !plan_.faults_confirmed)
    throw std::runtime_error(unconfirmed_faults_message(plan_.faults_to_confirm) +
                             ". Nothing was sent");
  // First the probes: a layer that is down is named as such, before any other check fails on it.
  if (plan_.probes) {
    probe_tls_ = std::make_unique<TlsContext>(scenario.client.tls);
    // A deployment that is not steady before the run is no baseline to judge a fault against.
    const std::vector<std::string> problems =
        steady_state(*plan_.probes, Duration::zero(), probe_tls_.get());
    std::vector<std::string> failing;
    for (size_t i = 0; i < problems.size(); ++i)
      if (!problems[i].empty())
        failing.push_back(describe_probe(plan_.probes->probes[i]) + ": " + problems[i]);
    if (!failing.empty())
      throw std::runtime_error(
          fmt::format("the deployment is not steady before the run (probes: in {}): {}",
                      scenario.file.string(), fmt::join(failing, "; ")));
    probe_infos_ = probe_infos(*plan_.probes);
    for (size_t i = 0; i < probe_infos_.size(); ++i)
      if (plan_.probes->probes[i].layer == ProbeSpec::Layer::pgbouncer)
        probe_infos_[i].server_login_retry =
            pgbouncer_login_retry(plan_.probes->probes[i], plan_.probes->timeout);
  }
  TlsContext tls(scenario.client.tls);
  if (http)
    for (const auto& endpoint : plan_.target.endpoints)
      if (auto problem = check_reachable(endpoint, scenario.client.connect_timeout, &tls))
        throw std::runtime_error(*problem);
  if (plan_.observed) check_observable(*plan_.observed);  // a bad DSN fails now, not as gaps
  // Before prepare(): an sql workload opens its min_connections there.
  check_open_file_limit(scenario, plan_.workloads);
  for (size_t i = 0; i < plan_.workloads.size(); ++i) {
    const WorkloadSpec& spec = scenario.workloads[i];
    BuiltWorkload& built = plan_.workloads[i];
    built.prepare();
    if (built.ledger)
      built.ledger->spill_to(out / "ledgers" / (file_name_for(spec.name) + ".writes"));
    runs_.push_back({spec.name, spec.kind, built.http.get(), spec.executor, built.blocking.get(),
                     virtual_users_of(spec.executor),
                     spec.executor.search
                         ? std::make_shared<RateSchedule>(spec.executor.search->start)
                         : nullptr});
  }
  files_.push_back(std::make_unique<TimelineFile>(out / "timeline.jsonl"));
  files_.push_back(std::make_unique<HdrIntervalLog>(out / "hdr"));
  if (plan_.observed)
    files_.push_back(std::make_unique<ObservationsFile>(out / "observations.jsonl"));
  if (!plan_.faults.empty()) {
    JournalHeader header{getpid(),
                         process_start_ticks(getpid()),
                         std::filesystem::current_path(),
                         std::filesystem::absolute(scenario.file),
                         read_text_file(scenario.file).value_or(""),
                         plan_.overrides,
                         std::nullopt};
    if (const auto& testbed = plan_.target.faults.testbed_dir)
      header.testbed = std::filesystem::absolute(*testbed);
    journal_ = std::make_unique<FaultJournal>(out / "faults.journal", header);
  }
  prepared_ = true;
}

void RunSession::check_probes(ProbeSampler& probes, RunResult& result) const {
  probes.stop();
  result.probes = probe_infos_;
  for (size_t i = 0; i < result.probes.size(); ++i) {
    result.probes[i].tries = probes.counts()[i].tries;
    result.probes[i].failed = probes.counts()[i].failed;
  }
  for (const auto& window : fault_windows(result.faults, result.planned_duration))
    result.faults[window.event].layers =
        layer_outages(probes.changes(), result.probes, window.start, window.end);
  for (auto& warning : probes.warnings()) result.warnings.push_back(std::move(warning));
  // The health check of any deployment, whoever started it; a pooler may need its retry first.
  const std::vector<std::string> after =
      steady_state(*plan_.probes, plan_.probes->healthy_within, probe_tls_.get());
  result.health_checked = true;
  for (size_t i = 0; i < after.size(); ++i) {
    result.probes[i].after = after[i];
    if (!after[i].empty())
      result.health_problems.push_back(fmt::format(
          "probe {} still fails {} after the run: {}", describe_probe(plan_.probes->probes[i]),
          format_duration(plan_.probes->healthy_within), after[i]));
  }
}

RunResult RunSession::run(std::stop_token stop) {
  if (ran_) throw std::logic_error("a RunSession runs once: make another of a new plan");
  ran_ = true;
  prepare();
  const Scenario& scenario = plan_.scenario;
  const std::filesystem::path& out = plan_.out;
  const bool http = plan_.sends_http();
  const std::vector<WorkloadRun>& runs = runs_;

  // The session's own stop: the caller's, a failed write, or the end of the run.
  std::stop_source stopping;
  std::stop_callback forward(stop, [&] { stopping.request_stop(); });
  std::vector<IntervalSink*> sinks;
  for (const auto& file : files_) sinks.push_back(file.get());
  sinks.insert(sinks.end(), sinks_.begin(), sinks_.end());
  SinkFanout fanout(std::move(sinks), stopping);

  std::vector<TrackedClients> tracked;
  for (size_t i = 0; i < plan_.workloads.size(); ++i) {
    if (plan_.workloads[i].clients) tracked.push_back({runs[i].name, plan_.workloads[i].clients});
    if (runs[i].vus) tracked.push_back({runs[i].name, runs[i].vus});
  }
  std::atomic<Clock::rep> run_start{0};  // set when the load starts, read by fault follow-ups
  // After each fault: the writes of its window are read back, and each client must succeed again.
  auto after_recovery = [&](FaultEvent& event, Duration window_end) {
    for (auto& w : plan_.workloads)
      if (w.ledger) event.ledgers.push_back(w.ledger->verify_recent());
    const Clock::time_point start{Clock::duration(run_start.load())};
    // Until the next fault, or a few seconds when that was due before this one recovered.
    const Duration until = window_end > event.recovered_at
                               ? window_end
                               : event.recovered_at + kClientRecoveryMinimumWatch;
    event.clients = await_client_recovery(
        tracked, start + event.recovered_at,
        std::min(start + event.recovered_at + kClientRecoveryDeadline, start + until),
        stopping.get_token());
  };
  // Declared before the load so that, however the run ends, its destructor recovers every fault.
  FaultTimeline faults(std::move(plan_.faults), scenario.duration, stopping.get_token(),
                       after_recovery, journal_.get());
  std::optional<ProbeSampler> probes;
  if (plan_.probes) {
    probes.emplace(*plan_.probes, out / "probes.jsonl", probe_tls_.get());
    faults.watch([&](const FaultEvent&, bool started) {
      if (started)
        probes->fault_started();
      else
        probes->fault_recovered();
    });
  }
  faults.watch([&](const FaultEvent& event, bool active) { fanout.queue(event, active); });
  std::optional<DeploymentObserver> observer;
  if (plan_.observed)
    observer.emplace(*plan_.observed,
                     [&](ObservedSample sample) { fanout.queue(std::move(sample)); });

  RunOptions options;
  options.phases = scenario.phases;
  options.client = scenario.client;
  options.interval = scenario.client.interval;
  if (http) options.endpoints = plan_.target.endpoints;
  options.stop = stopping.get_token();
  options.on_start = [&](Clock::time_point start) {
    run_start = start.time_since_epoch().count();
    fanout.start(WallClock::now());
    faults.start(start);
    if (observer) observer->start(start);
    if (probes) probes->start(start);
  };
  // Each capacity search decides its workload's next rate from the intervals as they come.
  std::vector<std::pair<size_t, RateSearch>> searches;
  bool searches_ended_run = false;
  for (size_t w = 0; w < runs.size(); ++w)
    if (runs[w].schedule)
      searches.emplace_back(
          w, RateSearch(*runs[w].executor.search, scenario.slo, scenario.client.interval,
                        scenario.client.max_schedule_lag));
  auto next_trim = Clock::now() + kTrimEvery;
  options.on_interval = [&](const IntervalRecord& interval) {
    fanout.write(interval);
    for (auto& [w, search] : searches)
      if (const auto decision = search.add(interval.workloads[w], interval.index)) {
        if (decision->rate)
          runs[w].schedule->set(decision->from, *decision->rate);
        else
          runs[w].schedule->end(decision->from);
      }
    // duration: is a search's upper bound. With nothing else to run, idling past the last
    // search's end would only add empty intervals.
    if (!searches.empty() && searches.size() == runs.size() && scenario.faults.empty() &&
        std::ranges::all_of(searches, [](const auto& s) { return s.second.done(); })) {
      searches_ended_run = true;
      stopping.request_stop();
    }
    if (Clock::now() >= next_trim) {
      // Every thread's malloc arena keeps the high-water mark of its free memory (a reconnect
      // storm, a ledger read-back); handing it back keeps a soak's RSS at what it holds.
      malloc_trim(0);
      next_trim = Clock::now() + kTrimEvery;
    }
    for (const auto& w : plan_.workloads)
      if (w.ledger)
        if (auto problem = w.ledger->file_error(); !problem.empty()) fanout.fail(problem);
  };
  LoadRun load;
  std::string load_failure;
  try {
    load = run_load(runs, options);
  } catch (const std::exception& e) {
    // Starting threads failed (a pids limit): what ran is still recovered, checked and kept.
    load_failure = fmt::format("the run stopped: {}", e.what());
  }

  // --- after it: recover, check, read back, fold ---------------------------------------------
  // A run its searches ended is as long as they took: rates are over that, not duration:.
  const Duration run_length =
      searches_ended_run ? std::min(load.elapsed, scenario.duration) : scenario.duration;
  RunResult result = planned_result(plan_, run_length);
  result.started_at = load.started_at;
  result.elapsed = load.elapsed;
  result.interrupted = stop.stop_requested();
  result.threads = load.threads;
  for (const auto& endpoint : options.endpoints) result.targets.push_back(endpoint.to_string());
  result.faults = faults.finish();
  if (observer) {
    observer->stop();
    if (const auto gaps = observer->gaps(); gaps.count > 0)
      result.warnings.push_back(
          fmt::format("observer: {} sample(s) missed, gaps in observations.jsonl (first: {})",
                      gaps.count, gaps.first_reason));
  }
  if (probes) check_probes(*probes, result);
  if (!scenario.faults.empty() && plan_.target.faults.testbed_dir) {
    // Faults broke the testbed on purpose: it must be whole again.
    if (auto state = testbed::read_state(*plan_.target.faults.testbed_dir)) {
      result.health_checked = true;
      for (auto& problem : testbed::health_problems(*state))
        result.health_problems.push_back(std::move(problem));
    }
  }
  for (const auto& w : plan_.workloads)
    for (const auto& database : w.database_targets)
      if (std::find(result.targets.begin(), result.targets.end(), database) == result.targets.end())
        result.targets.push_back(database);
  for (auto& w : plan_.workloads)
    if (w.ledger) result.ledgers.push_back(w.ledger->verify());
  fanout.finish();
  result.stopped_by = load_failure;
  if (!fanout.failure().empty())
    result.stopped_by = fmt::format("a results file could not be written: {}", fanout.failure());
  std::string unreadable;
  try {
    fold_run_files(result, out, fold_request_for(plan_.claims));
  } catch (const std::exception& e) {
    unreadable = e.what();
    if (result.stopped_by.empty())
      result.stopped_by = fmt::format("the run's record could not be read back: {}", unreadable);
  }
  for (const auto& claim : plan_.claims) {
    ClaimVerdict verdict = judge(claim, result);
    if (!unreadable.empty() && !claim.model) {  // half a fold is no evidence either way
      verdict.status = ClaimVerdict::Status::not_measured;
      verdict.measured.clear();
      verdict.detail = "the run's record could not be read back: " + unreadable;
    }
    result.claims.push_back(std::move(verdict));
  }
  return result;
}

}  // namespace loadgate
