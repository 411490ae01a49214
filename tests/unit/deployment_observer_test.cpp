// The observer beside a run: a sample that cannot be taken is a gap and a reason, never the end
// of the run (an exception on its thread would end the process).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "observe/deployment_observer.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("an observer whose sampling throws leaves gaps and says why, and keeps sampling") {
  std::atomic<int> calls{0};
  ObservedDeployment deployment;
  deployment.every = 100ms;
  // Every other look at the processes fails, as reading a state file mid-rewrite would.
  deployment.processes = [&calls] {
    if (calls++ % 2 == 1) throw std::runtime_error("state.json: unexpected end of input");
    return std::vector<ProcessSampler::Root>{{"generator", getpid()}};
  };
  std::mutex mutex;
  size_t samples = 0;
  DeploymentObserver observer(deployment, [&](ObservedSample sample) {
    std::lock_guard lock(mutex);
    samples += sample.gauges.count("process.generator.rss");
  });
  observer.start(Clock::now());
  std::this_thread::sleep_for(650ms);
  observer.stop();
  const auto gaps = observer.gaps();
  CHECK(gaps.count >= 2);
  CHECK(gaps.first_reason == "state.json: unexpected end of input");
  std::lock_guard lock(mutex);
  CHECK(samples >= 2);  // the looks that worked were sampled all the same
}
