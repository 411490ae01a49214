// Claims files and their verdicts. A claims file quotes a document and says what it promises:
//
//   claims:
//     - id: login-throughput
//       source: {doc: 003_802382eaaa48b159.txt, quote: "bcrypt verification: ~50-100 logins/sec"}
//       metric: login.throughput_per_instance      # see claim_metrics.h
//       expect: ">= 50/s"                          # see expectation.h
//       phase: steady                              # optional: judge one phase, not the totals
//
// A claim is held or broken only when the run could measure it; otherwise it is "not measured",
// with why: the generator was the limit, the run offered less than a capacity claim asks, no
// such workload or fault ran. A claim is never held by default.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/results.h"
#include "reports/claim_metrics.h"
#include "reports/expectation.h"

namespace loadgate {

struct Claim {
  std::string id;
  std::string file;
  std::string source_doc, source_quote;
  std::string metric;
  Expectation expect;
  std::optional<std::string> phase;
};

// Reads a claims file; throws ConfigError naming the file, line and key.
std::vector<Claim> load_claims(const std::filesystem::path& file);

ClaimVerdict judge(const Claim& claim, const RunResult& run, const ClaimContext& context);

}  // namespace loadgate
