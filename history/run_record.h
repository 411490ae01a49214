// What a finished command's results directory puts into the history: the figures a claim would
// measure (reports/claim_metrics.h names them; in seconds, shares, rates, bytes per hour), the
// claims' verdicts, a soak's windows and slopes, a gate's samples. Read from the files alone
// (there is no `loadgate history record OUT` yet to add a run made without --history).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "history/history_store.h"

namespace loadgate {

// A run or a soak (OUT/result.json; OUT/soak.json and windows.jsonl when there), or a gate
// (OUT/gate.json: its figures are the median of its repeats', a claim's verdict the worst of
// theirs), or a phase 2 checklist (OUT/checklist.json: each item's verdict as a claim, each
// step's figures under its item's id). `command` ("run", "soak", "gate", "phase2") and the
// directory set; the caller adds the labels, the hash and the verdict. Throws std::runtime_error
// naming a file it cannot read.
HistoryEntry history_entry_of(const std::filesystem::path& dir);

// A scenario's identity across nights: SHA-256 of its file and --set overrides, 16 hex digits.
std::string scenario_hash(const std::filesystem::path& scenario,
                          const std::vector<std::string>& overrides);

// "passed" (0), "failed" (1), "interrupted" (130), "could not run" (anything else).
std::string verdict_of_exit(int exit_code);

// Now, as the store keeps it: 2026-12-06T02:00:00Z.
std::string utc_now_text();

}  // namespace loadgate
