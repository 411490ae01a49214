// The Phase 2 checklist's report (`loadgate phase2`): each item of the document's checklist
// ticked, failed or not checked, with the runs that checked it, their claims' verdicts (each
// quoting its document) and their problems: on the console, as Markdown (under GitHub's 1 MiB
// step summary), as one self-contained HTML page, as JUnit XML and as JSON.
//
// An item is ticked when every step ran and judged clean (exit 0 as `loadgate run --gate` would
// judge it), failed when a step broke a claim, missed an SLO or lost a write, and not checked
// when a step could not run or could not tell (generator-bound, a claim not measured), or when
// an earlier gate item failed first.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/results.h"
#include "reports/run_verdict.h"

namespace loadgate {

struct ChecklistStepOutcome {
  std::string scenario;       // the file, as the checklist names it
  std::filesystem::path dir;  // its results (report.html, result.json, ...)
  std::vector<ClaimVerdict> claims;
  RunVerdict verdict;  // a step that could not start has only errors
};

struct ChecklistItemOutcome {
  enum class Status { ticked, failed, could_not_run, inconclusive, skipped };
  std::string id, check, quote;
  Status status = Status::skipped;
  std::string reason;  // why it failed or was not checked
  std::vector<ChecklistStepOutcome> steps;
};

// Settles an item from its steps' verdicts: the gravest step decides.
void settle_item(ChecklistItemOutcome& item);
// "ticked", "FAILED", "not checked".
const char* status_word(ChecklistItemOutcome::Status status);

struct ChecklistOutcome {
  std::string name, source_doc, source_section;
  std::vector<ChecklistItemOutcome> items;
  // 1 an item failed; 2 one could not run; 3 one could not tell; 0 every item ticked.
  int exit_code() const;
  std::string verdict() const;  // "PASS", "FAIL", "ERROR", "INCONCLUSIVE"
};

std::string checklist_console(const ChecklistOutcome& list);
std::string checklist_markdown(const ChecklistOutcome& list, size_t max_bytes = 1'000'000);
// Links to each step's own report.html relative to `out`, the checklist's results directory.
std::string checklist_html(const ChecklistOutcome& list, const std::filesystem::path& out);
// One testcase per item, then each step's claims and run checks as `loadgate run` writes them.
std::string checklist_junit(const ChecklistOutcome& list);
nlohmann::json checklist_json(const ChecklistOutcome& list);

}  // namespace loadgate
