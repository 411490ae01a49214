// The per-core bcrypt ceiling: how many $2b$ verifications one core does per second at the costs
// the seeds quote. A login claim of "50-100 logins/s per instance at cost 12" is judged against
// this figure times the instance's cores.
#include <benchmark/benchmark.h>

#include "harness/password_hash.h"

namespace {

void BM_BcryptVerify(benchmark::State& state) {
  const std::string hash = loadgate::bcrypt_hash("password3", static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(loadgate::bcrypt_verify("password3", hash));
  state.SetItemsProcessed(state.iterations());  // items/s = verifications per second per core
}
BENCHMARK(BM_BcryptVerify)->Arg(10)->Arg(12)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
