// Microbenchmarks of the per-interval path: what a session pays once an interval per workload
// (merging a thread's interval histogram into the record, writing the record's line), and what
// the fold pays to read one back. Numbers belong in issue notes, never in tests.
#include <benchmark/benchmark.h>

#include <random>

#include "harness/interval_record.h"
#include "reports/timeline_file.h"

namespace {

// An interval of a 2,000/s workload: latencies of a few hundred µs to tens of ms.
loadgate::WorkloadInterval busy_interval() {
  loadgate::WorkloadInterval w;
  w.name = "items";
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency(6.5, 0.8);
  for (int i = 0; i < 2000; ++i) {
    const auto v = static_cast<int64_t>(latency(rng));
    w.latency.record(v);
    w.service_time.record(v / 2);
    w.schedule_lag.record(static_cast<int64_t>(rng() % 200));
  }
  w.ok = 2000;
  return w;
}

// Merging one thread's interval into the record: only the recorded range is visited.
void BM_IntervalMerge(benchmark::State& state) {
  const loadgate::WorkloadInterval part = busy_interval();
  loadgate::WorkloadInterval record;
  for (auto _ : state) {
    record.reset();
    record.merge(part);
    benchmark::DoNotOptimize(record.latency.count());
  }
}
BENCHMARK(BM_IntervalMerge);

void BM_IntervalLineWrite(benchmark::State& state) {
  loadgate::IntervalRecord interval;
  interval.workloads = {busy_interval()};
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string line = loadgate::interval_to_json(interval).dump();
    bytes = line.size();
    benchmark::DoNotOptimize(line.data());
  }
  state.counters["line_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_IntervalLineWrite);

void BM_IntervalLineRead(benchmark::State& state) {
  loadgate::IntervalRecord interval;
  interval.workloads = {busy_interval()};
  const nlohmann::json line = loadgate::interval_to_json(interval);
  loadgate::IntervalRecord back;
  for (auto _ : state) {
    loadgate::interval_from_json(line, back);
    benchmark::DoNotOptimize(back.workloads[0].latency.count());
  }
}
BENCHMARK(BM_IntervalLineRead);

}  // namespace
