#include "reports/run_verdict.h"

#include <fmt/format.h>

#include "reports/service_level.h"

namespace loadgate {

int RunVerdict::exit_code() const {
  return !failures.empty() ? 1 : !errors.empty() ? 2 : !inconclusive.empty() ? 3 : 0;
}

std::string RunVerdict::state() const {
  switch (exit_code()) {
    case 1:
      return fmt::format("FAIL: {}", fmt::join(failures, "; "));
    case 2:
      return fmt::format("ERROR: {}", fmt::join(errors, "; "));
    case 3:
      return fmt::format("INCONCLUSIVE: {}", fmt::join(inconclusive, "; "));
    default:
      return "ok";
  }
}

RunVerdict judge_run(const RunResult& run) {
  RunVerdict v;
  for (const auto& l : run.ledgers) {
    if (l.lost > 0)
      v.failures.push_back(fmt::format("{} acknowledged writes of {} lost", l.lost, l.workload));
    if (!l.verified)
      v.errors.push_back(
          fmt::format("the writes of {} could not be read back: {}", l.workload, l.verify_error));
  }
  for (const auto& c : run.claims) {
    if (c.status == ClaimVerdict::Status::broken)
      v.failures.push_back(
          fmt::format("claim {} broken (measured {}, expected {})", c.id, c.measured, c.expect));
    if (c.status == ClaimVerdict::Status::not_measured)
      v.inconclusive.push_back(fmt::format("claim {} not measured: {}", c.id, c.detail));
  }
  for (const auto& w : run.workloads)
    if (w.attempts() > 0)
      if (auto breach = slo_breach(w, run.slo))
        v.failures.push_back(fmt::format("{}: {}", w.name, *breach));
  if (!run.stopped_by.empty()) v.errors.push_back("the run ended early: " + run.stopped_by);
  for (const auto& f : run.faults)
    if (!f.error.empty()) v.errors.push_back(fmt::format("fault {}: {}", f.description, f.error));
  for (const auto& problem : run.health_problems)
    v.errors.push_back("not healthy after the run: " + problem);
  if (run.generator.generator_bound)
    v.inconclusive.push_back("generator-bound: the figures describe loadgate, not the target");
  return v;
}

}  // namespace loadgate
