// A soak's rolling windows (`loadgate soak --window 10m`): the run cut into consecutive windows,
// each folded from the run's own files like a run of its own (reports/run_fold.h) and judged:
//   - the steady state: the SLO over the window's steady intervals, those with no fault active
//     and at least `settle` after the last recovery (a failover's downtime is the fault claims'
//     business, not the SLO's);
//   - every claim, over the window's intervals and the faults injected in it ("p99 over the last
//     10 minutes", fault recovery per failover).
// Each workload's windowed p50, p99 and error rate also go into RunResult::window_trends, for the
// whole night's slope claims ("items.latency.p99.slope <= 1ms/h"). One window is in memory at a
// time, whatever the soak's length.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/results.h"
#include "reports/claims.h"

namespace loadgate {

struct SoakWindowFigures {
  std::string workload;
  uint64_t requests = 0, errors = 0;
  std::optional<double> p50_s, p99_s;  // over the window (successes only)
  std::optional<double> steady_p99_s;  // over its steady intervals
};

struct SoakWindow {
  size_t index = 0;  // from 1
  Duration start{}, end{};
  size_t intervals = 0, steady_intervals = 0;
  std::vector<SoakWindowFigures> workloads;
  std::vector<std::string> faults;        // "pgbouncer-restart kill of pgbouncer-1 at 15m00s"
  std::optional<std::string> slo_breach;  // in the steady intervals; empty: met
  bool slo_judged = false;  // the scenario has an SLO and the window had steady requests
  std::optional<std::string> generator;  // why the window's numbers describe loadgate
  std::vector<ClaimVerdict> claims;

  // broken: the steady state breached the SLO or a claim broke; held: the steady state met the
  // SLO and no claim broke; not measured otherwise (no SLO nor claim could be judged).
  ClaimVerdict::Status verdict() const;
};

// Folds `run`'s files in `dir` window by window. `run` is the whole run's result (its plan,
// phases and faults); its window_trends are filled. Throws std::runtime_error naming a file that
// cannot be read.
std::vector<SoakWindow> judge_windows(RunResult& run, const std::filesystem::path& dir,
                                      const std::vector<Claim>& claims, Duration length,
                                      Duration settle);

// One JSON object a window, for OUT/windows.jsonl.
nlohmann::json window_json(const SoakWindow& window);

// "window 3  20m00s–30m00s  held  steady 540/600 s  items p99 12.3ms 0.02% err  faults: ..."
std::string window_line(const SoakWindow& window);

}  // namespace loadgate
