// Claims files and their verdicts. A claims file quotes a document and says what it promises:
//
//   claims:
//     - id: login-throughput
//       source: {doc: 003_802382eaaa48b159.txt, quote: "bcrypt verification: ~50-100 logins/sec"}
//       metric: login.throughput_per_instance      # see claim_metrics.h
//       expect: ">= 50/s"                          # see expectation.h
//       phase: steady                              # optional: judge one phase, not the totals
//       requires: "login.concurrency >= 100"       # optional: judged only if the run did that
//       window: during failover                    # optional: a fault window, not the totals
//     - id: backend-connections
//       source: {doc: 000_4e27a9eb9c281531.txt, quote: "~62 conns used"}
//       model: pgbouncer_instances * default_pool_size + reserved_connections
//       given: {pgbouncer_instances: 2, default_pool_size: 25, reserved_connections: 12}
//       expect: "<= 62"
//
// A model claim checks the document's arithmetic (reports/model_expression.h) with the
// deployment's own numbers where it has them (target.topology, or the testbed's), the
// document's `given:` numbers for the rest.
//
// A claim is held or broken only when the run could measure it; otherwise it is "not measured",
// with why: the generator was the limit, the run offered less than a capacity claim asks, no
// such workload or fault ran. A claim is never held by default.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/expectation.h"
#include "harness/results.h"
#include "reports/claim_metrics.h"
#include "reports/fault_window_scope.h"
#include "reports/model_expression.h"
#include "reports/run_fold.h"

namespace loadgate {

struct Claim {
  std::string id;
  std::string file;
  std::string source_doc, source_quote;
  std::string metric;                    // a measured claim (empty for a model claim)
  std::optional<ModelExpression> model;  // a model claim
  std::map<std::string, double> given;   // the document's numbers, for a model claim
  Expectation expect;
  std::optional<std::string> phase;
  std::optional<FaultWindowScope> window;  // "during failover" (reports/window_metrics.h)
  std::string note;
  // A condition on the run for the claim to be judged at all, "items.concurrency >= 1000":
  // "handles 1,000 concurrent users" says nothing of a run that had 12.
  std::optional<std::pair<std::string, Expectation>> precondition;
  // Where each name was written ("c.yaml:7:13: claims.metric"), for check_claims' errors.
  std::string metric_at, phase_at, window_at, requires_at;
};

// Reads a claims file; throws ConfigError naming the file, line and key.
std::vector<Claim> load_claims(const std::filesystem::path& file);

// Refuses, before any load is sent, a claim that names what no run like this one could
// measure: a misspelt metric, workload, gauge, fault kind or phase. Throws ConfigError naming
// the claims file's line, with a "did you mean" where one is near.
void check_claims(const std::vector<Claim>& claims, const MetricVocabulary& names);

// The fault window scopes and capacity searches the claims need the fold to add up.
FoldRequest fold_request_for(const std::vector<Claim>& claims);

ClaimVerdict judge(const Claim& claim, const RunResult& run);

}  // namespace loadgate
