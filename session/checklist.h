// An executable checklist (`loadgate phase2 CHECKLIST.yaml`): a document's checklist whose items
// are each checked by one or more runs, in order. scenarios/phase2/ holds seed 000's "Migration
// checklist (Phase 1 → Phase 2)" for the testbed and a template for AWS staging.
//
//   name: phase2-testbed
//   source: {doc: 000_4e27a9eb9c281531.txt, section: "Migration checklist (Phase 1 → Phase 2)"}
//   items:
//     - id: failover-reconnects
//       check: a Multi-AZ failover under load; the application reconnects cleanly
//       quote: "Multi-AZ failover causes ~30s downtime ... verify the application reconnects"
//       gate: true                      # default: a failed item stops the list (--keep-going)
//       steps:
//         - scenario: steps/failover.yaml       # paths are relative to the checklist
//           claims: [claims/failover.yaml]      # judged beside the scenario's own claims
//           set: ["phases.1.duration=20s"]      # as --set
//
// Every step's plan is made when the checklist is read, before any run: a typo in the last
// item's claims is an error now, not after the first item's failover.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace loadgate {

struct ChecklistStep {
  std::filesystem::path scenario;
  std::vector<std::filesystem::path> claims;
  std::vector<std::string> overrides;
};

struct ChecklistItem {
  std::string id;
  std::string check;  // what is checked, in the checklist's words
  std::string quote;  // the document's line it comes from
  bool gate = true;   // a failure stops the items after it
  std::vector<ChecklistStep> steps;
};

struct Checklist {
  std::filesystem::path file;
  std::string name;
  std::string source_doc, source_section;
  std::vector<ChecklistItem> items;
};

// Reads and checks the file (unique ids, at least one step per item, step files that exist);
// throws ConfigError naming the file, line and key.
Checklist load_checklist(const std::filesystem::path& file);

}  // namespace loadgate
