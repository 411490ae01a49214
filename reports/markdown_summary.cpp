#include "reports/markdown_summary.h"

#include <algorithm>

#include <fmt/format.h>

#include "reports/console_summary.h"
#include "reports/downtime_attribution.h"
#include "reports/markup_escape.h"

namespace loadgate {
namespace {

double ms(int64_t us) {
  return static_cast<double>(us) / 1000;
}

}  // namespace

std::string markdown_summary(const RunResult& run) {
  std::string md = fmt::format("### loadgate: {}{}\n\n", run.scenario,
                               run.interrupted           ? " (interrupted)"
                               : !run.stopped_by.empty() ? " (ended early)"
                                                         : "");
  if (!run.claims.empty()) {
    size_t held = 0, broken = 0, unmeasured = 0;
    for (const auto& c : run.claims) {
      held += c.status == ClaimVerdict::Status::held;
      broken += c.status == ClaimVerdict::Status::broken;
      unmeasured += c.status == ClaimVerdict::Status::not_measured;
    }
    md += fmt::format("**Claims: {} held, {} broken, {} not measured**\n\n", held, broken,
                      unmeasured);
    md +=
        "| verdict | claim | metric | expected | measured | source |\n|---|---|---|---|---|---|\n";
    for (const auto& c : run.claims)
      md += fmt::format(
          "| {} | {} | `{}` | {} | {} | {}: \"{}\" |\n",
          c.status == ClaimVerdict::Status::broken ? "**broken**" : status_name(c.status),
          markdown_cell(c.id), markdown_cell(c.metric), markdown_cell(c.expect),
          markdown_cell(c.measured.empty() ? c.detail : c.measured), markdown_cell(c.source_doc),
          markdown_cell(c.source_quote));
    md += "\n";
  }
  const Duration measured = run.measured_duration();
  md += "| workload | offered | achieved | p50 | p99 | errors |\n|---|---|---|---|---|---|\n";
  for (const auto& w : run.workloads)
    md += fmt::format("| {} | {:.1f}/s | {:.1f}/s | {:.2f} ms | {:.2f} ms | {} |\n",
                      markdown_cell(w.name), w.offered_rate, rate_over(w, measured),
                      ms(w.latency.value_at_percentile(50)), ms(w.latency.value_at_percentile(99)),
                      w.error_count());
  for (const auto& f : run.faults) {
    Duration worst{};
    bool all_back = true;
    for (const auto& i : f.impacts) {
      worst = std::max(worst, i.downtime);
      all_back &= i.recovered.has_value();
    }
    md += fmt::format("\n- fault **{}**: worst downtime {}{}{}", markdown_cell(f.description),
                      format_duration(worst), all_back ? "" : ", **NOT RECOVERED**",
                      f.error.empty() ? "" : ", error: " + markdown_cell(f.error));
    if (std::string attribution = attribute_downtime(f, run.probes); !attribution.empty())
      md += fmt::format("; by layer: {}", markdown_cell(attribution));
  }
  if (!run.faults.empty()) md += "\n";
  if (const auto observed = observed_highlights(run.observed); !observed.empty())
    md += fmt::format("\n- deployment, highest observed: {}", fmt::join(observed, ", "));
  for (const auto& l : run.ledgers)
    md +=
        fmt::format("\n- ledger {}: {} acknowledged, {}", markdown_cell(l.workload), l.acknowledged,
                    !l.verified ? "**not read back**"
                    : l.lost    ? fmt::format("**{} LOST**", l.lost)
                                : std::string("none lost"));
  if (run.generator.generator_bound)
    md += "\n\n> **Generator-bound**: the latencies describe loadgate, not the target.";
  for (const auto& problem : run.health_problems)
    md += fmt::format("\n\n> **Deployment not healthy** after the run: {}", markdown_cell(problem));
  for (const auto& warning : run.warnings)
    md += fmt::format("\n\n> Warning: {}", markdown_cell(warning));
  return md + "\n";
}

}  // namespace loadgate
