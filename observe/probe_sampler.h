// Runs a scenario's steady-state probes (observe/probes.h) through a run: each on a thread of
// its own (a probe stuck on a blackholed host never delays another's tries), every `every` while
// a fault is in, until every probe is back and for a while after each recovery, and every
// `between` the rest of the run. Keeps and writes (OUT/probes.jsonl) only the changes.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/results.h"
#include "harness/text_file.h"
#include "harness/tls_context.h"
#include "observe/probes.h"

namespace loadgate {

class ProbeSampler {
 public:
  // `tls` (for https probes) must outlive the sampler. Throws std::runtime_error naming `file`
  // when it cannot be created (harness/text_file.h).
  ProbeSampler(ProbeSettings settings, const std::filesystem::path& file, TlsContext* tls);
  ~ProbeSampler();
  // Every probe is taken to be up here: the run checked them before it started.
  void start(Clock::time_point start);
  // From the fault timeline's thread: probes try every `every` from a fault's start until it
  // recovered, every probe is up again and kCalm has passed (a pooler's retry after the fault).
  void fault_started();
  void fault_recovered();
  void stop();

  // Read after stop().
  const std::vector<ProbeChange>& changes() const { return changes_; }
  struct Counts {
    uint64_t tries = 0, failed = 0;
  };
  const std::vector<Counts>& counts() const { return counts_; }
  // What went wrong beside the probes themselves: changes not kept, a file that failed.
  std::vector<std::string> warnings() const;

  static constexpr Duration kCalm = std::chrono::seconds(10);

 private:
  void run(size_t probe, std::stop_token stop);
  bool fast() const;  // with mutex_ held
  void record(ProbeChange change);

  ProbeSettings settings_;
  TlsContext* tls_;
  AppendedFile file_;  // OUT/probes.jsonl
  Clock::time_point start_{};
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  uint64_t wakes_ = 0;         // a fault started: every probe tries at once
  int faults_in_ = 0;          // injected and not yet recovered
  size_t down_ = 0;            // probes whose last try failed
  Clock::time_point calm_at_;  // the last recovery + kCalm
  std::vector<ProbeChange> changes_;
  std::vector<Counts> counts_;
  uint64_t changes_dropped_ = 0;
  uint64_t gaps_ = 0;  // tries that could not be made (probe_once threw)
  std::string first_gap_;
  std::string file_failure_;  // the first write that failed; none written after it
  std::vector<std::jthread> threads_;
};

}  // namespace loadgate
