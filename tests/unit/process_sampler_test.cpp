// The process sampler: CPU as a rate between samples far enough apart, memory every time.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <thread>

#include "observe/process_sampler.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("CPU is reported only between samples half a second apart, memory always") {
  ProcessSampler sampler;
  const std::vector<ProcessSampler::Root> self{{"generator", getpid()}};
  auto first = sampler.sample(self);
  CHECK(first.contains("process.generator.rss"));
  CHECK(first["process.generator.rss"] > 1e6);  // this test binary holds more than a megabyte
  CHECK_FALSE(first.contains("process.generator.cpu"));
  // A few milliseconds later a tick or two would read as a busy core: no CPU yet.
  auto soon = sampler.sample(self);
  CHECK_FALSE(soon.contains("process.generator.cpu"));
  // Busy for 0.6 s on this thread: up to a core.
  const auto until = std::chrono::steady_clock::now() + 600ms;
  volatile uint64_t spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  auto later = sampler.sample(self);
  REQUIRE(later.contains("process.generator.cpu"));
  CHECK(later["process.generator.cpu"] > 0.2);  // less than a core when the machine is busy
  CHECK(later["process.generator.cpu"] < 2.5);
  CHECK(later["process.generator.cpu_total"] == later["process.generator.cpu"]);
  // A root that is gone reports nothing.
  CHECK(sampler.sample({{"ghost", 999'999'999}}).empty());
}
