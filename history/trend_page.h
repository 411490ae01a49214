// `loadgate trend SCENARIO`: one self-contained HTML page (no script, no fetch: it opens from a CI
// artifact or a mail) of a scenario's nights from the history store. A chart per figure (each
// workload's p50, p99, error rate and throughput, each fault kind's downtime, lost writes, each
// process's RSS slope), every claim's verdict night by night, and the nights that changed flagged
// by history/change_points.h, listed first.
#pragma once

#include <string>
#include <vector>

#include "history/change_points.h"
#include "history/history_store.h"

namespace loadgate {

struct FlaggedChange {
  std::string figure;
  Change change;
};

// The changes of every figure of `nights` (oldest first), night by night.
std::vector<FlaggedChange> flagged_changes(const std::vector<HistoryEntry>& nights,
                                           const ChangeRule& rule = {});

// "night #7 (rev=abc) items.latency.p99 62.0ms against 12.0ms, the median of 5 nights before
// (+417%)"
std::string change_line(const std::vector<HistoryEntry>& nights, const FlaggedChange& flagged);

std::string trend_page(const std::string& scenario, const std::vector<HistoryEntry>& nights,
                       const ChangeRule& rule = {});

}  // namespace loadgate
