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

// Mint and verify per algorithm (Arg: 0 HS256, 1 RS256, 2 ES256), with the keys the testbed
// makes: a verifier pays this per request, a generator pre-mints off the clock.
struct JwtFixture {
  explicit JwtFixture(int64_t arg) : algorithm(static_cast<loadgate::JwtAlgorithm>(arg)) {
    if (algorithm == loadgate::JwtAlgorithm::HS256) {
      signing_key = "secret";
      keys.hs256_secret = "secret";
      return;
    }
    const auto pair = loadgate::generate_jwt_key_pair(algorithm);
    signing_key = pair.private_pem;
    (algorithm == loadgate::JwtAlgorithm::RS256 ? keys.rs256_public_pem : keys.es256_public_pem) =
        pair.public_pem;
  }
  loadgate::JwtClaims claims() const {
    const auto now = std::chrono::system_clock::now();
    return {"user1", "loadgate", now, now + std::chrono::hours(1)};
  }
  loadgate::JwtAlgorithm algorithm;
  std::string signing_key;
  loadgate::JwtKeys keys;
};

void BM_JwtMint(benchmark::State& state) {
  const JwtFixture fixture(state.range(0));
  const auto claims = fixture.claims();
  for (auto _ : state)
    benchmark::DoNotOptimize(loadgate::mint_jwt(claims, fixture.algorithm, fixture.signing_key));
  state.SetLabel(std::string(loadgate::jwt_algorithm_name(fixture.algorithm)));
}
BENCHMARK(BM_JwtMint)->DenseRange(0, 2);

void BM_JwtVerify(benchmark::State& state) {
  const JwtFixture fixture(state.range(0));
  const std::string token =
      loadgate::mint_jwt(fixture.claims(), fixture.algorithm, fixture.signing_key);
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(loadgate::verify_jwt(token, fixture.keys, now));
  state.SetLabel(std::string(loadgate::jwt_algorithm_name(fixture.algorithm)));
}
BENCHMARK(BM_JwtVerify)->DenseRange(0, 2);

}  // namespace

BENCHMARK_MAIN();
