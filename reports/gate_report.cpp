#include "reports/gate_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/junit_report.h"
#include "reports/markup_escape.h"
#include "reports/rank_test.h"
#include "reports/run_comparison.h"
#include "reports/service_level.h"

namespace loadgate {
namespace {

double centre(std::vector<double> values, bool median_of) {
  if (values.empty()) return 0;
  if (median_of) return median(std::move(values));
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// How far the baseline's own runs stray from its centre: the largest distance of one run's centre
// from the whole's. Runs differ by more than their intervals do (another moment of the machine,
// fresh connections): a change within this is the baseline's noise, however significant the
// interval-level test finds it. 0 with a single run.
double run_spread(const RunSamples& runs, double whole, bool median) {
  double spread = 0;
  for (const auto& run : runs)
    if (!run.empty()) spread = std::max(spread, std::abs(centre(run, median) - whole));
  return runs.size() > 1 ? spread : 0;
}

// Sub-millisecond latencies are what a fast endpoint has: shown to the hundredth.
std::string shown(double value, Quantity quantity) {
  if (quantity == Quantity::duration && value < 0.01) return fmt::format("{:.2f}ms", value * 1000);
  return format_value(value, quantity);
}

std::string change_text(const GateRow& row) {
  if (row.verdict == GateRow::Verdict::not_compared) return "";
  if (!row.change) return row.current_centre == row.baseline_centre ? "+0%" : "new";
  return fmt::format("{:+.1f}%", *row.change * 100);
}

const char* verdict_text(GateRow::Verdict verdict) {
  switch (verdict) {
    case GateRow::Verdict::same:
      return "~";
    case GateRow::Verdict::better:
      return "better";
    case GateRow::Verdict::worse:
      return "REGRESSION";
    case GateRow::Verdict::not_compared:
      return "not compared";
  }
  return "?";
}

std::string row_evidence(const GateRow& row) {
  if (row.verdict == GateRow::Verdict::not_compared) return row.note;
  return fmt::format(
      "{} → {} ({}), p = {:.3g}, {} and {} intervals, the baseline's runs within ±{}",
      shown(row.baseline_centre, row.quantity), shown(row.current_centre, row.quantity),
      change_text(row), row.p, row.baseline_n, row.current_n, shown(row.run_spread, row.quantity));
}

// Regressions first, then what could not be compared, then the rest in their order.
std::vector<const GateRow*> rows_by_gravity(const GateComparison& comparison) {
  std::vector<const GateRow*> rows;
  for (const auto& r : comparison.rows) rows.push_back(&r);
  auto rank = [](const GateRow* r) {
    return r->verdict == GateRow::Verdict::worse          ? 0
           : r->verdict == GateRow::Verdict::not_compared ? 1
                                                          : 2;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const GateRow* a, const GateRow* b) { return rank(a) < rank(b); });
  return rows;
}

std::string settings_text(const GateComparison& c) {
  return fmt::format(
      "{} ({} run{}); significant below p = {:.3g} ({:g} over {} test{}), at least {:g}% of a "
      "change and beyond the baseline's run-to-run spread",
      c.baseline, c.baseline_runs, c.baseline_runs == 1 ? "" : "s", c.alpha_per_test,
      c.settings.alpha, c.tests, c.tests == 1 ? "" : "s", c.settings.min_effect * 100);
}

}  // namespace

GateComparison compare_samples(const GateSamples& baseline, const GateSamples& current,
                               const GateSettings& settings) {
  GateComparison comparison;
  comparison.settings = settings;
  comparison.baseline_runs = baseline.runs;
  for (const auto& w : current.workloads) {
    const auto* before = baseline.workload(w.name);
    // Figures say something of the target only against the same offered load.
    std::string offer;
    if (!before)
      offer = "not in the baseline";
    else if (!same_offered_load(before->offered_rate, before->peak_vus, w.offered_rate, w.peak_vus))
      offer = fmt::format(
          "the offered load differs: {:.1f}/s, {} VUs in the baseline; {:.1f}/s, "
          "{} VUs now",
          before->offered_rate, before->peak_vus, w.offered_rate, w.peak_vus);
    for (const auto& metric : gate_metrics()) {
      GateRow row;
      row.metric = w.name + "." + metric.name;
      row.quantity = metric.quantity;
      static const RunSamples none;
      auto samples_of = [&](const GateSamples::Workload* of) -> const RunSamples& {
        if (!of) return none;
        auto it = of->samples.find(metric.name);
        return it == of->samples.end() ? none : it->second;
      };
      const auto& baseline_runs = samples_of(before);
      const auto b = all_values(baseline_runs);
      const auto c = all_values(samples_of(&w));
      if (b.empty() && c.empty()) continue;  // neither run can give it: nothing to compare
      row.baseline_n = b.size();
      row.current_n = c.size();
      if (!offer.empty()) {
        row.note = offer;
      } else if (b.size() < settings.min_samples || c.size() < settings.min_samples) {
        row.note = fmt::format("{} intervals with a value in the baseline, {} now ({} needed)",
                               b.size(), c.size(), settings.min_samples);
      } else {
        row.baseline_centre = centre(b, metric.median);
        row.current_centre = centre(c, metric.median);
        const double delta = row.current_centre - row.baseline_centre;
        if (row.baseline_centre != 0) row.change = delta / std::abs(row.baseline_centre);
        row.p = mann_whitney(c, b).p;
        row.run_spread = run_spread(baseline_runs, row.baseline_centre, metric.median);
        const bool large = std::abs(delta) > metric.floor && std::abs(delta) > row.run_spread &&
                           (!row.change || std::abs(*row.change) > settings.min_effect);
        const bool worse = metric.higher_is_better ? delta < 0 : delta > 0;
        // Provisional: significance is decided below, once the number of tests is known.
        row.verdict = !large  ? GateRow::Verdict::same
                      : worse ? GateRow::Verdict::worse
                              : GateRow::Verdict::better;
      }
      comparison.rows.push_back(std::move(row));
    }
  }
  // --alpha is the chance of calling any of the gate's tests significant by chance (family-wise):
  // each of the m tests is held to alpha / m (Bonferroni), or a gate of 4 figures × 3 workloads
  // would find a "regression" in half of all identical runs.
  comparison.tests = static_cast<size_t>(
      std::count_if(comparison.rows.begin(), comparison.rows.end(),
                    [](const GateRow& r) { return r.verdict != GateRow::Verdict::not_compared; }));
  comparison.alpha_per_test =
      settings.alpha / static_cast<double>(std::max<size_t>(comparison.tests, 1));
  for (auto& row : comparison.rows)
    if (row.verdict != GateRow::Verdict::not_compared && row.p >= comparison.alpha_per_test)
      row.verdict = GateRow::Verdict::same;
  return comparison;
}

GateRepeat judge_repeat(std::filesystem::path dir, RunResult result) {
  RunVerdict verdict = judge_run(result);
  return {std::move(dir), std::move(result), std::move(verdict)};
}

int GateOutcome::exit_code() const {
  bool failed = false, error = !errors.empty(), inconclusive = repeats.empty();
  for (const auto& r : repeats) {
    const int code = r.verdict.exit_code();
    failed |= code == 1;
    error |= code == 2;
    inconclusive |= code == 3;
  }
  if (comparison)
    for (const auto& row : comparison->rows) {
      failed |= row.verdict == GateRow::Verdict::worse;
      inconclusive |= row.verdict == GateRow::Verdict::not_compared;
    }
  return failed ? 1 : error ? 2 : inconclusive ? 3 : 0;
}

std::string GateOutcome::verdict() const {
  switch (exit_code()) {
    case 0:
      return "PASS";
    case 1:
      return "FAIL";
    case 2:
      return "ERROR";
    default:
      return "INCONCLUSIVE";
  }
}

std::string gate_console(const GateOutcome& gate) {
  std::string out = fmt::format("gate {}: {} ({} repeat{})\n", gate.scenario, gate.verdict(),
                                gate.repeats.size(), gate.repeats.size() == 1 ? "" : "s");
  for (const auto& e : gate.errors) out += "  error: " + e + "\n";
  for (size_t i = 0; i < gate.repeats.size(); ++i)
    out += fmt::format("  repeat {}: {}  ({})\n", i + 1, gate.repeats[i].verdict.state(),
                       gate.repeats[i].dir.string());
  if (!gate.comparison) {
    out += "  no baseline to compare with\n";
    return out;
  }
  out += "  against " + settings_text(*gate.comparison) + "\n";
  out += fmt::format("  {:<32} {:>10} {:>10} {:>8} {:>8}  {}\n", "metric", "baseline", "current",
                     "change", "p", "verdict");
  for (const auto* row : rows_by_gravity(*gate.comparison)) {
    if (row->verdict == GateRow::Verdict::not_compared) {
      out += fmt::format("  {:<32} {:>10} {:>10} {:>8} {:>8}  not compared: {}\n", row->metric, "-",
                         "-", "", "", row->note);
      continue;
    }
    out += fmt::format("  {:<32} {:>10} {:>10} {:>8} {:>8.3g}  {}\n", row->metric,
                       shown(row->baseline_centre, row->quantity),
                       shown(row->current_centre, row->quantity), change_text(*row), row->p,
                       verdict_text(row->verdict));
  }
  return out;
}

std::string gate_markdown(const GateOutcome& gate, size_t max_bytes) {
  std::string md = fmt::format("### loadgate gate: {}: **{}**\n\n", gate.scenario, gate.verdict());
  for (const auto& e : gate.errors) md += "- error: " + markdown_cell(e) + "\n";
  for (size_t i = 0; i < gate.repeats.size(); ++i)
    md += fmt::format("- repeat {}: {}\n", i + 1, markdown_cell(gate.repeats[i].verdict.state()));
  if (!gate.comparison) return md + "\nNo baseline to compare with.\n";
  md += "\nAgainst " + markdown_cell(settings_text(*gate.comparison)) + ".\n\n";
  md += "| metric | baseline | current | change | p | verdict |\n|---|---|---|---|---|---|\n";
  const std::string tail_reserve(200, ' ');
  size_t left_out = 0;
  for (const auto* row : rows_by_gravity(*gate.comparison)) {
    const std::string line =
        row->verdict == GateRow::Verdict::not_compared
            ? fmt::format("| {} | - | - | | | not compared: {} |\n", row->metric,
                          markdown_cell(row->note))
            : fmt::format("| {} | {} | {} | {} | {:.3g} | {} |\n", row->metric,
                          shown(row->baseline_centre, row->quantity),
                          shown(row->current_centre, row->quantity), change_text(*row), row->p,
                          verdict_text(row->verdict));
    if (md.size() + line.size() + tail_reserve.size() > max_bytes) {
      ++left_out;
      continue;
    }
    md += line;
  }
  if (left_out) md += fmt::format("\n{} more rows in gate.json.\n", left_out);
  return md;
}

std::string gate_junit(const GateOutcome& gate) {
  std::vector<JUnitSuite> suites;
  for (size_t i = 0; i < gate.repeats.size(); ++i)
    for (auto& suite : junit_suites(gate.repeats[i].result)) {
      suite.name = fmt::format("repeat {}: {}", i + 1, suite.name);
      suites.push_back(std::move(suite));
    }
  if (gate.comparison) {
    JUnitSuite compared{"comparison with the baseline", {}};
    for (const auto& row : gate.comparison->rows) {
      JUnitCase t{"gate." + gate.scenario, row.metric, JUnitCase::Outcome::passed, "",
                  row_evidence(row)};
      if (row.verdict == GateRow::Verdict::worse) {
        t.outcome = JUnitCase::Outcome::failed;
        t.message = "regression: " + row_evidence(row);
      } else if (row.verdict == GateRow::Verdict::not_compared) {
        t.outcome = JUnitCase::Outcome::skipped;
        t.message = "not compared: " + row.note;
      }
      compared.cases.push_back(std::move(t));
    }
    suites.push_back(std::move(compared));
  }
  return junit_document(suites);
}

nlohmann::json gate_json(const GateOutcome& gate, const GateSamples& samples) {
  nlohmann::json repeats = nlohmann::json::array();
  for (const auto& r : gate.repeats)
    repeats.push_back({{"dir", r.dir.string()},
                       {"failures", r.verdict.failures},
                       {"errors", r.verdict.errors},
                       {"inconclusive", r.verdict.inconclusive}});
  nlohmann::json j = {{"schema", "loadgate.gate/1"}, {"scenario", gate.scenario},
                      {"verdict", gate.verdict()},   {"exit_code", gate.exit_code()},
                      {"errors", gate.errors},       {"repeats", repeats},
                      {"comparison", nullptr},       {"samples", samples_to_json(samples)}};
  if (gate.comparison) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : gate.comparison->rows)
      rows.push_back({{"metric", row.metric},
                      {"verdict", verdict_text(row.verdict)},
                      {"baseline", row.baseline_centre},
                      {"current", row.current_centre},
                      {"change", row.change ? nlohmann::json(*row.change) : nlohmann::json()},
                      {"p", row.p},
                      {"run_spread", row.run_spread},
                      {"baseline_n", row.baseline_n},
                      {"current_n", row.current_n},
                      {"note", row.note}});
    j["comparison"] = {{"baseline", gate.comparison->baseline},
                       {"baseline_runs", gate.comparison->baseline_runs},
                       {"alpha", gate.comparison->settings.alpha},
                       {"min_effect", gate.comparison->settings.min_effect},
                       {"tests", gate.comparison->tests},
                       {"alpha_per_test", gate.comparison->alpha_per_test},
                       {"rows", rows}};
  }
  return j;
}

}  // namespace loadgate
