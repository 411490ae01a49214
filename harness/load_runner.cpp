#include "harness/load_runner.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <thread>

#include "harness/asio.h"
#include "harness/generator_thread.h"

namespace loadgate {
namespace {

// Merges the threads' intervals into one record, strictly in order: interval k is complete once
// every thread has published it or has already published its last one.
class TimelineCollector {
 public:
  TimelineCollector(std::vector<std::unique_ptr<GeneratorThread>>& generators,
                    const std::vector<WorkloadRun>& workloads, const RunOptions& options)
      : generators_(generators),
        options_(options),
        queues_(generators.size()),
        finished_(generators.size(), false) {
    for (const auto& w : workloads) record_.workloads.emplace_back().name = w.name;
  }

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

 private:
  void emit() {
    IntervalRecord& record = record_;
    record.index = next_index_++;
    record.length = options_.interval;
    record.end = static_cast<int64_t>(record.index + 1) * options_.interval;
    record.generator_cpu = 0;
    for (auto& w : record.workloads) w.reset();
    for (size_t g = 0; g < queues_.size(); ++g) {
      if (queues_[g].empty()) continue;
      ThreadInterval interval = std::move(queues_[g].front());
      queues_[g].pop_front();
      if (interval.last) finished_[g] = true;
      record.generator_cpu =
          std::max(record.generator_cpu,
                   interval.cpu_seconds / std::chrono::duration<double>(options_.interval).count());
      for (size_t w = 0; w < record.workloads.size(); ++w) {
        record.workloads[w].merge(interval.workloads[w]->interval);
        interval.workloads[w]->errors.add_to(record.workloads[w].errors);
      }
      generators_[g]->recycle(std::move(interval));
    }
    // The phase the interval's start falls in.
    size_t phase = 0;
    for (size_t p = 0; p < options_.phases.size(); ++p)
      if (record.end - record.length >= options_.phases[p].start) phase = p;
    record.phase = options_.phases[phase].name;
    if (options_.on_interval) options_.on_interval(record);
  }

  std::vector<std::unique_ptr<GeneratorThread>>& generators_;
  const RunOptions& options_;
  std::vector<std::deque<ThreadInterval>> queues_;
  std::vector<bool> finished_;
  IntervalRecord record_;  // reused: its histograms keep their memory
  uint64_t next_index_ = 0;
};

}  // namespace

LoadRun run_load(const std::vector<WorkloadRun>& workloads, const RunOptions& options) {
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
  // The generators stop on the caller's request, or when the run loop itself cannot go on.
  RunOptions local = options;
  std::stop_source abort;
  std::stop_callback forward(options.stop, [&abort] { abort.request_stop(); });
  local.stop = abort.get_token();
  std::vector<std::unique_ptr<GeneratorThread>> generators;
  for (unsigned i = 0; i < count; ++i)
    generators.push_back(
        std::make_unique<GeneratorThread>(workloads, call_threads, local, i, count));

  LoadRun run;
  run.started_at = WallClock::now();
  run.threads = count;

  // A common start a little ahead, so every thread is running before its first arrival.
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(20);
  if (options.on_start) options.on_start(start);
  TimelineCollector timeline(generators, workloads, options);
  {
    std::vector<std::jthread> threads;
    try {
      for (auto& generator : generators)
        threads.emplace_back([&generator, start] { generator->run(start); });
    } catch (...) {
      abort.request_stop();  // a thread could not start (a pids limit): those that did, drain
      throw;                 // as the threads join
    }
    for (uint64_t k = 1; timeline.collect(); ++k)
      std::this_thread::sleep_until(start + k * options.interval + std::chrono::milliseconds(10));
  }  // joins

  Clock::time_point last = start;
  for (auto& generator : generators) last = std::max(last, generator->last_response());
  run.elapsed = last - start;
  run.stopped = options.stop.stop_requested();
  return run;
}

}  // namespace loadgate
