#include "harness/load_runner.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <thread>

#include <fmt/format.h>

#include "harness/asio.h"
#include "harness/generator_thread.h"

namespace loadgate {
namespace {

// Merges the threads' intervals into the timeline, strictly in order: interval k is complete
// once every thread has published it or has already published its last one.
class TimelineCollector {
 public:
  TimelineCollector(std::vector<std::unique_ptr<GeneratorThread>>& generators,
                    const RunOptions& options, size_t workloads)
      : generators_(generators),
        options_(options),
        queues_(generators.size()),
        finished_(generators.size(), false),
        peak_vus_(options.phases.size(), std::vector<uint64_t>(workloads, 0)) {}

  // Collects and emits what is complete. Returns false once every thread has finished and
  // everything was emitted.
  bool collect() {
    for (size_t g = 0; g < generators_.size(); ++g)
      for (auto& interval : generators_[g]->take_published())
        queues_[g].push_back(std::move(interval));
    for (;;) {
      bool complete = true, any = false;
      for (size_t g = 0; g < generators_.size(); ++g) {
        if (!queues_[g].empty())
          any = true;
        else if (!finished_[g])
          complete = false;
      }
      if (!complete || !any) break;
      emit();
    }
    return !std::all_of(finished_.begin(), finished_.end(), [](bool f) { return f; });
  }

  double cpu_max() const { return cpu_max_; }
  uint64_t peak_vus(size_t phase, size_t workload) const { return peak_vus_[phase][workload]; }

 private:
  void emit() {
    IntervalSample sample;
    sample.index = next_index_++;
    sample.length = options_.interval;
    sample.end = static_cast<int64_t>(sample.index + 1) * options_.interval;
    for (size_t g = 0; g < queues_.size(); ++g) {
      if (queues_[g].empty()) continue;
      ThreadInterval interval = std::move(queues_[g].front());
      queues_[g].pop_front();
      if (interval.last) finished_[g] = true;
      sample.generator_cpu =
          std::max(sample.generator_cpu,
                   interval.cpu_seconds / std::chrono::duration<double>(options_.interval).count());
      if (sample.workloads.empty()) {
        sample.workloads = std::move(interval.workloads);
        continue;
      }
      for (size_t w = 0; w < sample.workloads.size(); ++w)
        sample.workloads[w].merge(interval.workloads[w]);
    }
    // The phase the interval's start falls in.
    size_t phase = 0;
    for (size_t p = 0; p < options_.phases.size(); ++p)
      if (sample.end - sample.length >= options_.phases[p].start) phase = p;
    sample.phase = options_.phases[phase].name;
    cpu_max_ = std::max(cpu_max_, sample.generator_cpu);
    for (size_t w = 0; w < sample.workloads.size(); ++w)
      peak_vus_[phase][w] = std::max(peak_vus_[phase][w], sample.workloads[w].vus);
    if (options_.on_interval) options_.on_interval(sample);
  }

  std::vector<std::unique_ptr<GeneratorThread>>& generators_;
  const RunOptions& options_;
  std::vector<std::deque<ThreadInterval>> queues_;
  std::vector<bool> finished_;
  std::vector<std::vector<uint64_t>> peak_vus_;  // [phase][workload]
  uint64_t next_index_ = 0;
  double cpu_max_ = 0;
};

double mean_rate(const LoadProfile& profile, Duration from, Duration length) {
  const double seconds = std::chrono::duration<double>(length).count();
  return seconds > 0 ? (profile.integral_to(from + length) - profile.integral_to(from)) / seconds
                     : 0;
}

GeneratorCheck check_generator(const std::vector<WorkloadResult>& totals, const RunOptions& options,
                               double cpu_max) {
  GeneratorCheck check;
  Histogram lag;
  for (const auto& w : totals) {
    lag.merge(w.schedule_lag);
    check.dropped += w.dropped;
  }
  check.schedule_lag_p99_us = lag.value_at_percentile(99);
  check.schedule_lag_threshold_us = to_micros(options.client.max_schedule_lag);
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

}  // namespace

RunResult run_load(const std::vector<WorkloadRun>& workloads, const RunOptions& options) {
  const unsigned count = options.client.threads;
  // A blocking workload gets a thread per call it may have in flight (or per VU), declared
  // before the generators so they are joined after them.
  std::vector<std::unique_ptr<asio::thread_pool>> call_pools;
  std::vector<asio::thread_pool*> call_threads;
  for (const auto& run : workloads) {
    if (!run.blocking) {
      call_threads.push_back(nullptr);
      continue;
    }
    // As many as may be in flight: the workload's own bound, or the scenario's lower cap.
    const size_t cap =
        run.executor.max_in_flight ? run.executor.max_in_flight : options.client.max_in_flight;
    size_t threads = std::min(run.blocking->max_concurrent_calls(), cap);
    if (run.executor.model == ExecutorSpec::Model::closed)
      threads = static_cast<size_t>(std::ceil(run.executor.profile.peak()));
    call_pools.push_back(std::make_unique<asio::thread_pool>(std::max<size_t>(threads, 1)));
    call_threads.push_back(call_pools.back().get());
  }
  std::vector<std::unique_ptr<GeneratorThread>> generators;
  for (unsigned i = 0; i < count; ++i)
    generators.push_back(
        std::make_unique<GeneratorThread>(workloads, call_threads, options, i, count));

  RunResult result;
  result.started_at = WallClock::now();
  result.threads = count;
  result.planned_duration = options.phases.back().start + options.phases.back().duration;
  for (const auto& endpoint : options.endpoints) result.targets.push_back(endpoint.to_string());

  // A common start a little ahead, so every thread is running before its first arrival.
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(20);
  if (options.on_start) options.on_start(start);
  TimelineCollector timeline(generators, options, workloads.size());
  {
    std::vector<std::jthread> threads;
    for (auto& generator : generators)
      threads.emplace_back([&generator, start] { generator->run(start); });
    for (uint64_t k = 1; timeline.collect(); ++k)
      std::this_thread::sleep_until(start + k * options.interval + std::chrono::milliseconds(10));
  }  // joins

  for (size_t p = 0; p < options.phases.size(); ++p) {
    const Phase& phase = options.phases[p];
    PhaseResult phase_result{phase.name, phase.start, phase.duration, phase.recorded, {}};
    for (size_t w = 0; w < workloads.size(); ++w) {
      WorkloadResult merged = generators[0]->results()[w][p];
      for (size_t g = 1; g < generators.size(); ++g) merged.merge(generators[g]->results()[w][p]);
      if (workloads[w].executor.model == ExecutorSpec::Model::open)
        merged.offered_rate = mean_rate(workloads[w].executor.profile, phase.start, phase.duration);
      merged.peak_vus = timeline.peak_vus(p, w);
      phase_result.workloads.push_back(std::move(merged));
    }
    result.phases.push_back(std::move(phase_result));
  }

  Duration recorded{};
  for (const auto& phase : options.phases)
    if (phase.recorded) recorded += phase.duration;
  const double recorded_seconds = std::chrono::duration<double>(recorded).count();
  for (size_t w = 0; w < workloads.size(); ++w) {
    WorkloadResult total;
    total.name = workloads[w].name;
    total.kind = workloads[w].kind;
    total.executor = workloads[w].executor.type;
    double offered_requests = 0;  // the offered rate over the recorded phases, length-weighted
    for (const auto& phase : result.phases) {
      if (!phase.recorded) continue;
      total.merge(phase.workloads[w]);
      offered_requests +=
          phase.workloads[w].offered_rate * std::chrono::duration<double>(phase.duration).count();
    }
    if (recorded_seconds > 0) total.offered_rate = offered_requests / recorded_seconds;
    result.workloads.push_back(std::move(total));
  }
  result.recorded_duration = recorded;

  Clock::time_point last = start;
  for (auto& generator : generators) last = std::max(last, generator->last_response());
  result.elapsed = last - start;
  result.interrupted = options.stop_requested && options.stop_requested->load();
  result.generator = check_generator(result.workloads, options, timeline.cpu_max());
  return result;
}

}  // namespace loadgate
