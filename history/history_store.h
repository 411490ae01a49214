// The history store (`--history DB`): every finished run, gate, soak or phase 2 checklist kept
// with its figures, its soak windows and its claims' verdicts, so that `loadgate history` lists
// the nights of a scenario, `loadgate trend` draws them, and a gate's --baseline can name one.
// An SQLite file by default; a team shares a Postgres database instead (a DSN), same schema:
//   loadgate_runs     one row a run: when, which command, scenario name and hash, labels
//                     (--label rev=abc123, as JSON), verdict, exit code, results directory, and a
//                     gate's samples (JSON) for a later gate's baseline
//   loadgate_figures  (run, window, name, value): window 0 is the whole run, 1.. a soak's windows;
//                     names are claim metrics ("items.latency.p99", in seconds; "ledger.lost")
//   loadgate_claims   (run, window, claim id, verdict, measured)
//   loadgate_windows  (run, window, start and end in seconds from the run's start, verdict)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loadgate {

class SqlBackend;

struct HistoryClaim {
  std::string id, verdict, measured;
};

struct HistoryWindow {
  int index = 0;  // from 1
  double start_s = 0, end_s = 0;
  std::string verdict;
  std::map<std::string, double> figures;
  std::vector<HistoryClaim> claims;
};

struct HistoryEntry {
  int64_t id = 0;             // given by record()
  std::string recorded_at;    // UTC, 2026-12-06T02:00:00Z
  std::string command;        // run, gate, soak, phase2
  std::string scenario;       // its name
  std::string scenario_hash;  // of its file and --set overrides: a changed scenario is no trend
  std::map<std::string, std::string> labels;
  std::string verdict;  // passed, failed, could not run, interrupted (from the exit code)
  int exit_code = 0;
  std::string result_dir;
  std::map<std::string, double> figures;  // the whole run's
  std::vector<HistoryClaim> claims;
  std::vector<HistoryWindow> windows;
  std::string gate_samples;  // a gate's samples as JSON, else ""

  std::string label_text() const;  // "rev=abc123 night=3", or ""
};

class HistoryStore {
 public:
  // `where` is a Postgres DSN (postgresql://..., postgres://... or key=value with host= or
  // dbname=) or else an SQLite file, created with its tables when missing. Throws
  // std::runtime_error naming it (a DSN without its password).
  explicit HistoryStore(const std::string& where);
  ~HistoryStore();
  HistoryStore(HistoryStore&&) noexcept;

  // Stores `entry` in one transaction and returns its id.
  int64_t record(const HistoryEntry& entry);
  // A scenario's entries, oldest first; `command` empty: any. `last` > 0: only the newest so many.
  std::vector<HistoryEntry> entries(const std::string& scenario, const std::string& command = "",
                                    size_t last = 0);
  std::optional<HistoryEntry> entry(int64_t id);
  std::string describe() const;

 private:
  void load_details(HistoryEntry& entry);
  std::unique_ptr<SqlBackend> db_;
};

// Whether `where` names a Postgres database rather than a file.
bool is_postgres_dsn(const std::string& where);

}  // namespace loadgate
