#include "reports/run_fold.h"

#include <algorithm>

#include <fmt/format.h>

#include "reports/chart_series.h"
#include "reports/fault_impact.h"
#include "reports/observations_file.h"
#include "reports/rate_search.h"
#include "reports/service_level.h"
#include "reports/timeline_file.h"

namespace loadgate {
namespace {

using Range = std::pair<Duration, Duration>;

GeneratorCheck check_generator(const std::vector<WorkloadResult>& workloads, int64_t threshold_us,
                               double cpu_max) {
  GeneratorCheck check;
  Histogram lag;
  for (const auto& w : workloads) {
    lag.merge(w.schedule_lag);
    check.dropped += w.dropped;
  }
  check.schedule_lag_p99_us = lag.value_at_percentile(99);
  check.schedule_lag_threshold_us = threshold_us;
  check.cpu_max = cpu_max;
  if (check.schedule_lag_p99_us > check.schedule_lag_threshold_us) {
    check.generator_bound = true;
    check.warnings.push_back(fmt::format(
        "GENERATOR-BOUND: requests started {:.1f} ms late at p99 (threshold {:.1f} ms); the "
        "latencies describe loadgate, not the target: add client.threads or lower the rate",
        check.schedule_lag_p99_us / 1000.0, check.schedule_lag_threshold_us / 1000.0));
  }
  if (check.dropped > 0)
    check.warnings.push_back(fmt::format(
        "{} requests were dropped at max_in_flight: the target did not keep up with the offered "
        "rate, so less than it was offered",
        check.dropped));
  if (cpu_max > 0.9)
    check.warnings.push_back(fmt::format(
        "a generator thread was {:.0f}% busy in some interval: close to its limit", cpu_max * 100));
  return check;
}

// Adds an interval's workloads into a stretch's, by their place in the plan.
void add_workloads(std::vector<WorkloadResult>& into, const IntervalRecord& interval) {
  for (size_t w = 0; w < into.size() && w < interval.workloads.size(); ++w)
    into[w].add(interval.workloads[w]);
}

// A connection count around a fault window: the last sample before it, the highest and the last
// within it.
void count_connections(ConnectionCounts& counts, const ObservedSample& sample,
                       const std::string& gauge, const FaultWindow& window) {
  const auto it = sample.gauges.find(gauge);
  if (it == sample.gauges.end()) return;
  const auto value = static_cast<int64_t>(it->second);
  if (sample.at < window.start) {
    counts.before = value;
  } else if (sample.at <= window.end) {
    counts.peak = std::max(counts.peak, value);
    counts.after = value;
  }
}

// Adds `part` (a stretch's intervals and samples) into `into`.
void merge_into(WindowResult& into, const WindowResult& part) {
  for (size_t w = 0; w < into.workloads.size() && w < part.workloads.size(); ++w)
    into.workloads[w].merge(part.workloads[w]);
  into.intervals += part.intervals;
  into.length += part.length;
  into.observed.merge(part.observed);
}

void add_interval(WindowResult& into, const IntervalRecord& interval) {
  add_workloads(into.workloads, interval);
  ++into.intervals;
  into.length += interval.length;
}

}  // namespace

struct RunFold::Impl {
  // A fault window scope a claim asked for: its ranges of the run and what fell in them.
  struct Scope {
    WindowResult result;
    std::vector<Range> ranges;  // [from, to]
    double cpu_max = 0;
    // "after <kind>" without a settle time starts where every workload was back for good, which
    // is known only when the window ends: what came since its last bad interval waits here.
    bool from_recovery = false;
    std::vector<size_t> range_window;  // the fault window (index) of each range
    std::optional<size_t> pending_range;
    WindowResult pending;
    double pending_cpu_max = 0;
    // An interval belongs when it ends inside a range or, for ranges shorter than an interval,
    // covers the range's end.
    bool holds_interval(Duration end, Duration length) const {
      return std::any_of(ranges.begin(), ranges.end(), [&](const Range& r) {
        return (end > r.first && end <= r.second) || (end - length < r.second && end >= r.second);
      });
    }
    bool holds_sample(Duration at) const {
      return std::any_of(ranges.begin(), ranges.end(),
                         [&](const Range& r) { return at >= r.first && at <= r.second; });
    }
    // An "after" part from the recovery: a bad interval in its window starts it again, one
    // after the recover step joins it, one past the window's end settles it.
    void add_after_recovery(const IntervalRecord& interval, const std::vector<FaultWindow>& windows,
                            const std::vector<bool>& bad_in) {
      for (size_t r = 0; r < ranges.size(); ++r) {
        const FaultWindow& window = windows[range_window[r]];
        if (interval.end <= window.start || interval.end > window.end) continue;
        if (pending_range != r) settle_pending(), pending_range = r;
        if (bad_in[range_window[r]]) {
          restart_pending();
        } else if (interval.end > ranges[r].first) {
          add_interval(pending, interval);
          pending_cpu_max = std::max(pending_cpu_max, interval.generator_cpu);
        }
        return;
      }
      settle_pending();
    }
    void add_after_recovery(const ObservedSample& sample) {
      if (pending_range && sample.at >= ranges[*pending_range].first &&
          sample.at <= ranges[*pending_range].second)
        pending.observed.add(sample);
    }
    void restart_pending() {
      for (auto& w : pending.workloads) w = w.planned();
      pending.intervals = 0;
      pending.length = {};
      pending.observed = {};
      pending_cpu_max = 0;
    }
    void settle_pending() {
      if (!pending_range) return;
      merge_into(result, pending);
      cpu_max = std::max(cpu_max, pending_cpu_max);
      restart_pending();
      pending_range.reset();
    }
  };

  RunResult& run;
  std::vector<FaultWindow> fault_windows;
  std::vector<double> phase_cpu_max;
  double cpu_max = 0;
  std::vector<std::vector<FaultImpactTracker>> impacts;  // [fault window][workload]
  std::vector<Scope> scopes;
  std::vector<std::pair<size_t, CapacitySearcher>> capacity;  // by workload index
  std::vector<std::pair<size_t, RateSearch>> rate_searches;   // capacity-search executors
  ChartSeriesBuilder charts;

  Impl(RunResult& run_, const FoldRequest& request)
      : run(run_), charts(run_.planned_duration, run_.interval) {
    const Duration run_end = run.planned_duration;
    // Each phase starts from its plan: the workloads' names and offered rates, nothing counted.
    for (auto& phase : run.phases) {
      std::vector<WorkloadResult> planned;
      for (const auto& w : phase.workloads) planned.push_back(w.planned());
      phase.workloads = std::move(planned);
      phase.generator = {};
      phase.observed = {};
    }
    phase_cpu_max.assign(run.phases.size(), 0);
    run.observed = {};
    fault_windows = loadgate::fault_windows(run.faults, run_end);
    for (const auto& window : fault_windows) {
      auto& trackers = impacts.emplace_back();
      for (size_t w = 0; w < run.workloads.size(); ++w) trackers.emplace_back(w, window);
      FaultEvent& event = run.faults[window.event];
      event.impacts.clear();
      event.postgres_backends = event.pgbouncer_clients = event.pgbouncer_servers = {};
    }
    for (const auto& asked : request.windows) {
      Scope scope;
      scope.result.scope = asked;
      for (const auto& w : run.workloads) {
        scope.result.workloads.push_back(w.planned());
        scope.result.workloads.back().offered_rate = 0;  // a fault window's is not a schedule's
      }
      const bool after = asked.part == FaultWindowScope::Part::after;
      scope.from_recovery = after && !asked.settle;
      if (after)
        scope.result.starts =
            asked.settle ? fmt::format("from each {}'s recover step + settle {}", asked.kind,
                                       format_duration(*asked.settle))
                         : fmt::format("from when every workload was back for good after each {}",
                                       asked.kind);
      if (scope.from_recovery) scope.pending.workloads = scope.result.workloads;
      Duration previous_recovery{};  // of the previous fault, of any kind
      for (size_t k = 0; k < fault_windows.size(); ++k) {
        const FaultWindow& window = fault_windows[k];
        if (run.faults[window.event].kind == asked.kind) {
          Range range{window.start, window.recovered};  // during
          if (asked.part == FaultWindowScope::Part::before)
            range = {previous_recovery, window.start};
          if (after)
            range = {window.recovered + asked.settle.value_or(Duration::zero()), window.end};
          // None before a fault that follows another at once, none after one that recovered
          // only when the run was over.
          const bool empty = asked.part == FaultWindowScope::Part::during
                                 ? range.second < range.first
                                 : range.second <= range.first;
          if (!empty) {
            scope.ranges.push_back(range);
            scope.range_window.push_back(k);
          }
        }
        previous_recovery = window.recovered;
      }
      scopes.push_back(std::move(scope));
    }
    for (size_t w = 0; w < run.workloads.size(); ++w) {
      const std::string& name = run.workloads[w].name;
      if (auto search = run.rate_searches.find(name); search != run.rate_searches.end())
        rate_searches.emplace_back(
            w, RateSearch(search->second, run.slo, run.interval,
                          std::chrono::microseconds(run.generator.schedule_lag_threshold_us)));
      else if (std::find(request.capacity.begin(), request.capacity.end(), name) !=
               request.capacity.end())
        capacity.emplace_back(w, CapacitySearcher(run.slo, run.interval));
    }
  }

  size_t phase_index(const std::string& name) const {
    for (size_t p = 0; p < run.phases.size(); ++p)
      if (run.phases[p].name == name) return p;
    return run.phases.size();
  }

  void add(const IntervalRecord& interval) {
    const size_t p = phase_index(interval.phase);
    // The search saw every interval as the run went, whatever its phase: so does its replay.
    for (auto& [w, search] : rate_searches)
      if (w < interval.workloads.size()) search.add(interval.workloads[w], interval.index);
    cpu_max = std::max(cpu_max, interval.generator_cpu);
    if (p < run.phases.size()) {
      PhaseResult& phase = run.phases[p];
      add_workloads(phase.workloads, interval);
      phase_cpu_max[p] = std::max(phase_cpu_max[p], interval.generator_cpu);
      if (phase.recorded)
        for (auto& [w, searcher] : capacity)
          if (w < interval.workloads.size())
            searcher.add(interval.workloads[w], interval.end, interval.length);
    }
    std::vector<bool> bad_in(impacts.size(), false);  // [fault window]: some workload was bad
    for (size_t k = 0; k < impacts.size(); ++k)
      for (auto& tracker : impacts[k])
        if (tracker.add(interval) == FaultImpactTracker::Seen::bad) bad_in[k] = true;
    for (auto& scope : scopes)
      if (scope.from_recovery) {
        scope.add_after_recovery(interval, fault_windows, bad_in);
      } else if (scope.holds_interval(interval.end, interval.length)) {
        add_interval(scope.result, interval);
        scope.cpu_max = std::max(scope.cpu_max, interval.generator_cpu);
      }
    charts.add(interval);
  }

  void add(const ObservedSample& sample) {
    run.observed.add(sample);
    for (auto& phase : run.phases)
      if (sample.at >= phase.start && sample.at <= phase.start + phase.duration)
        phase.observed.add(sample);
    for (auto& scope : scopes)
      if (scope.from_recovery)
        scope.add_after_recovery(sample);
      else if (scope.holds_sample(sample.at))
        scope.result.observed.add(sample);
    for (const auto& window : fault_windows) {
      FaultEvent& event = run.faults[window.event];
      count_connections(event.postgres_backends, sample, "db.backend_connections", window);
      count_connections(event.pgbouncer_clients, sample, "pgbouncer.client_connections", window);
      count_connections(event.pgbouncer_servers, sample, "pgbouncer.server_connections", window);
    }
    charts.add(sample);
  }

  void finish() {
    const int64_t threshold = run.generator.schedule_lag_threshold_us;
    Duration recorded{};
    std::vector<double> offered(run.workloads.size(), 0);  // requests the recorded phases offered
    for (auto& w : run.workloads) w = w.planned();
    for (size_t p = 0; p < run.phases.size(); ++p) {
      PhaseResult& phase = run.phases[p];
      // A search's rate was decided as it went: what it offered is what was due.
      for (const auto& [w, search] : rate_searches)
        if (w < phase.workloads.size() && phase.duration > Duration::zero())
          phase.workloads[w].offered_rate =
              static_cast<double>(phase.workloads[w].scheduled) / seconds(phase.duration);
      phase.generator = check_generator(phase.workloads, threshold, phase_cpu_max[p]);
      if (!phase.recorded) continue;
      recorded += phase.duration;
      for (size_t w = 0; w < run.workloads.size() && w < phase.workloads.size(); ++w) {
        run.workloads[w].merge(phase.workloads[w]);
        offered[w] += phase.workloads[w].offered_rate * seconds(phase.duration);
      }
    }
    for (size_t w = 0; w < run.workloads.size(); ++w)
      if (recorded > Duration::zero())
        run.workloads[w].offered_rate = offered[w] / seconds(recorded);
    run.recorded_duration = recorded;
    // The busiest thread counts in any interval, warmup too: a warmup at the limit says so.
    run.generator = check_generator(run.workloads, threshold, cpu_max);
    for (size_t k = 0; k < fault_windows.size(); ++k) {
      FaultEvent& event = run.faults[fault_windows[k].event];
      for (const auto& tracker : impacts[k]) event.impacts.push_back(tracker.impact());
    }
    run.windows.clear();
    for (auto& scope : scopes) {
      scope.settle_pending();
      if (scope.result.scope.part == FaultWindowScope::Part::after)
        for (size_t k = 0; k < fault_windows.size(); ++k) {
          const FaultEvent& event = run.faults[fault_windows[k].event];
          if (event.kind != scope.result.scope.kind) continue;
          for (const auto& tracker : impacts[k])
            if (const FaultImpact impact = tracker.impact(); !impact.recovered)
              scope.result.never_recovered.push_back(never_recovered_after(impact.workload, event));
        }
      scope.result.generator = check_generator(scope.result.workloads, threshold, scope.cpu_max);
      run.windows.push_back(std::move(scope.result));
    }
    run.capacity.clear();
    for (const auto& [w, searcher] : capacity)
      run.capacity[run.workloads[w].name] = searcher.result();
    for (const auto& [w, search] : rate_searches)
      run.capacity[run.workloads[w].name] = search.result();
    run.charts = charts.finish();
  }
};

RunFold::RunFold(RunResult& run, FoldRequest request)
    : impl_(std::make_unique<Impl>(run, request)) {}
RunFold::~RunFold() = default;
void RunFold::add(const IntervalRecord& interval) {
  impl_->add(interval);
}
void RunFold::add(const ObservedSample& sample) {
  impl_->add(sample);
}
void RunFold::finish() {
  impl_->finish();
}

void fold_run_files(RunResult& run, const std::filesystem::path& dir, FoldRequest request) {
  RunFold fold(run, std::move(request));
  read_timeline(dir / "timeline.jsonl",
                [&](const IntervalRecord& interval) { fold.add(interval); });
  read_observations(dir / "observations.jsonl",
                    [&](const ObservedSample& sample) { fold.add(sample); });
  fold.finish();
}

}  // namespace loadgate
