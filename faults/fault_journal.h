// OUT/faults.journal: every injection is written down before it runs and marked once it has
// recovered, so that what a run killed mid-fault leaves broken (SIGKILL, the OOM killer, a lost
// SSH session) can be put back by `loadgate recover OUT` (recover_pending below). JSON lines:
//
//   {"journal": "loadgate.faults/1", "pid": 4242, "start_ticks": 81234, "cwd": "/srv",
//    "scenario_file": "s.yaml", "scenario": "<its text>", "overrides": ["duration=1m"],
//    "testbed": "/var/tmp/tb"}
//   {"injecting": 0, "fault": 1, "description": "failover by command rds-failover"}
//   {"recovered": 0}
//   {"recover_failed": 1, "error": "recover `...` exited 1"}
//
// The scenario's text is kept so that a recovery rebuilds each fault exactly as the run had it,
// whatever became of the file since; it holds no secret (those come from the environment).
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "harness/text_file.h"

namespace loadgate {

struct JournalHeader {
  int pid = 0;                          // the run's
  uint64_t start_ticks = 0;             // and its start, so a reused pid is not it
  std::filesystem::path cwd;            // where the run was started (commands run there)
  std::filesystem::path scenario_file;  // names it in errors
  std::string scenario;                 // its text
  std::vector<std::string> overrides;   // --set path=value
  std::optional<std::filesystem::path> testbed;
};

class FaultJournal {
 public:
  // Creates the file (truncated) and writes the header; throws std::runtime_error naming it.
  FaultJournal(const std::filesystem::path& file, const JournalHeader& header);
  // Adds to a journal a run wrote (`loadgate recover` marks what it recovered).
  explicit FaultJournal(const std::filesystem::path& file);
  // Before occurrence `occurrence` (its place in the run's schedule) of the scenario's fault
  // number `fault` is injected.
  void injecting(size_t occurrence, size_t fault, const std::string& description);
  void recovered(size_t occurrence);
  void recover_failed(size_t occurrence, const std::string& error);

 private:
  AppendedFile out_;
};

// An injection the journal has no recovery of.
struct PendingFault {
  size_t occurrence = 0, fault = 0;
  std::string description, last_error;
};

struct JournalContents {
  JournalHeader header;
  std::vector<PendingFault> pending;  // in the order they were injected
  size_t injections = 0;
};

// Throws std::runtime_error naming the file (and line) that cannot be read.
JournalContents read_journal(const std::filesystem::path& file);

// What `loadgate recover OUT` does: refuses while the run that wrote the journal is still alive,
// then rebuilds each pending fault from the journal's scenario and recovers it (assuming it got
// as far as it could: Fault::assume_injected), marking the journal as it goes. Says each step on
// `log`. Returns how many could not be recovered; throws std::runtime_error when nothing could
// be tried (no journal, a live run, a scenario that no longer parses).
size_t recover_pending(const std::filesystem::path& out_dir, std::ostream& log);

}  // namespace loadgate
