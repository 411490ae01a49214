// Microbenchmarks of the per-request path: recording a latency and minting/verifying a token.
// Numbers belong in issue notes and bench-results.json, never in tests.
#include <benchmark/benchmark.h>

#include <random>

#include "harness/histogram.h"
#include "harness/jwt.h"

namespace {

void BM_HistogramRecord(benchmark::State& state) {
  loadgate::Histogram histogram;
  std::mt19937_64 rng(1);
  std::vector<int64_t> values(4096);
  for (auto& v : values) v = static_cast<int64_t>(rng() % 10'000'000);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(histogram.record(values[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

void BM_HistogramP99(benchmark::State& state) {
  loadgate::Histogram histogram;
  for (int64_t v = 1; v < 1'000'000; v += 7) histogram.record(v);
  for (auto _ : state) benchmark::DoNotOptimize(histogram.value_at_percentile(99));
}
BENCHMARK(BM_HistogramP99);

void BM_JwtMintHs256(benchmark::State& state) {
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state)
    benchmark::DoNotOptimize(
        loadgate::mint_hs256({"user1", "loadgate", now, now + std::chrono::hours(1)}, "secret"));
}
BENCHMARK(BM_JwtMintHs256);

void BM_JwtVerifyHs256(benchmark::State& state) {
  const auto now = std::chrono::system_clock::now();
  const std::string token =
      loadgate::mint_hs256({"user1", "loadgate", now, now + std::chrono::hours(1)}, "secret");
  for (auto _ : state) benchmark::DoNotOptimize(loadgate::verify_hs256(token, "secret", now));
}
BENCHMARK(BM_JwtVerifyHs256);

}  // namespace

BENCHMARK_MAIN();
