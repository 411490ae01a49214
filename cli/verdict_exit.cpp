#include "cli/verdict_exit.h"

#include <ostream>

#include <fmt/format.h>

namespace loadgate::cli {

int verdict_exit_code(const RunResult& run, bool gate, std::ostream& err) {
  int exit_code = 0;
  for (const auto& ledger : run.ledgers)
    if (ledger.lost > 0) {
      err << fmt::format("loadgate: FAILED: {} acknowledged writes of {} were lost\n", ledger.lost,
                         ledger.workload);
      exit_code = 1;
    }
  for (const auto& claim : run.claims) {
    const bool fails = claim.status == ClaimVerdict::Status::broken ||
                       (gate && claim.status == ClaimVerdict::Status::not_measured);
    if (!fails) continue;
    err << fmt::format("loadgate: FAILED: claim {} {}\n", claim.id, status_name(claim.status));
    exit_code = 1;
  }
  return exit_code;
}

}  // namespace loadgate::cli
