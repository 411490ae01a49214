// CPU and memory of local processes from /proc, by role: the testbed's Postgres (postmaster and
// every backend under it), pgbouncers, services and proxies, and loadgate itself ("generator").
// An instance's CPU is the share of one core its process tree used since the last sample (2 cores
// busy is 2.0), its RSS the tree's resident memory in bytes, shared pages divided among their
// sharers (PSS, so Postgres's shared buffers count once; plain RSS where PSS is unreadable). A
// role's gauge is its busiest instance (sizing claims are per instance); .cpu_total and .rss_total
// add them all.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "harness/clock.h"

namespace loadgate {

class ProcessSampler {
 public:
  struct Root {
    std::string role;
    pid_t pid;
  };
  // "process.<role>.cpu", ".rss", ".cpu_total", ".rss_total" for every role with a live process
  // among `roots`, each counted with all its descendants (Postgres forks a backend per connection).
  // The first call has no CPU yet: CPU is a rate between two samples.
  std::map<std::string, double> sample(const std::vector<Root>& roots);

 private:
  std::map<pid_t, uint64_t> last_ticks_;  // utime + stime at the last sample
  Clock::time_point last_at_{};
};

}  // namespace loadgate
