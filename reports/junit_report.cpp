#include "reports/junit_report.h"

#include <vector>

#include <fmt/format.h>

#include "reports/markup_escape.h"
#include "reports/service_level.h"

namespace loadgate {
namespace {

using Case = JUnitCase;

std::string suite(const std::string& name, const std::vector<Case>& cases) {
  size_t failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.outcome == Case::Outcome::failed;
    skipped += c.outcome == Case::Outcome::skipped;
  }
  std::string xml =
      fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
                  markup_escape(name), cases.size(), failures, skipped);
  for (const auto& c : cases) {
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\">", markup_escape(c.classname),
                       markup_escape(c.name));
    if (c.outcome == Case::Outcome::failed)
      xml += fmt::format("<failure message=\"{}\">{}</failure>", markup_escape(c.message),
                         markup_escape(c.text));
    if (c.outcome == Case::Outcome::skipped)
      xml += fmt::format("<skipped message=\"{}\"/>", markup_escape(c.message));
    if (c.outcome != Case::Outcome::failed && !c.text.empty())
      xml += fmt::format("<system-out>{}</system-out>", markup_escape(c.text));
    xml += "</testcase>\n";
  }
  return xml + "  </testsuite>\n";
}

}  // namespace

std::vector<JUnitSuite> junit_suites(const RunResult& run) {
  std::vector<Case> claims;
  for (const auto& c : run.claims) {
    Case t{"claims." + c.source_doc, c.id, Case::Outcome::passed, "", ""};
    t.text =
        fmt::format("{} {}: measured {} ({}); {} says \"{}\"", c.metric, c.expect,
                    c.measured.empty() ? "-" : c.measured, c.detail, c.source_doc, c.source_quote);
    if (c.status == ClaimVerdict::Status::broken) {
      t.outcome = Case::Outcome::failed;
      t.message =
          fmt::format("broken: {} measured {}, expected {}", c.metric, c.measured, c.expect);
    } else if (c.status == ClaimVerdict::Status::not_measured) {
      t.outcome = Case::Outcome::skipped;
      t.message = "not measured: " + c.detail;
    }
    claims.push_back(std::move(t));
  }

  std::vector<Case> checks;
  const std::string run_class = "run." + run.scenario;
  if (!run.stopped_by.empty())  // only then: a CI run that ended as planned has nothing to say
    checks.push_back({run_class, "the run went to its planned end", Case::Outcome::failed,
                      "the run ended early: " + run.stopped_by, ""});
  {
    Case t{run_class, "the generator kept its schedule", Case::Outcome::passed, "", ""};
    if (run.generator.generator_bound) {
      t.outcome = Case::Outcome::failed;
      t.message = "generator-bound: the latencies describe loadgate, not the target";
      t.text = fmt::format("{}", fmt::join(run.generator.warnings, "\n"));
    }
    checks.push_back(std::move(t));
  }
  for (const auto& l : run.ledgers) {
    Case t{run_class, fmt::format("no acknowledged write of {} lost", l.workload),
           Case::Outcome::passed, "", ""};
    if (!l.verified) {
      t.outcome = Case::Outcome::failed;
      t.message = "the writes could not be read back: " + l.verify_error;
    } else if (l.lost > 0) {
      t.outcome = Case::Outcome::failed;
      t.message = fmt::format("{} of {} acknowledged writes lost", l.lost, l.acknowledged);
      t.text = fmt::format("first lost ids: {}", fmt::join(l.lost_ids, " "));
    }
    checks.push_back(std::move(t));
  }
  for (const auto& f : run.faults) {
    Case t{run_class, "fault " + f.description + " injected and recovered", Case::Outcome::passed,
           "", ""};
    if (!f.error.empty()) {
      t.outcome = Case::Outcome::failed;
      t.message = f.error;
    }
    checks.push_back(std::move(t));
  }
  // One testcase per SLO term per workload: the thresholds the scenario set.
  for (const auto& w : run.workloads)
    for (const auto& [term, expect] : run.slo) {
      Case t{run_class, fmt::format("{} {} {}", w.name, term, expect), Case::Outcome::passed, "",
             ""};
      if (w.attempts() == 0) {
        t.outcome = Case::Outcome::skipped;
        t.message = w.name + " sent nothing";
      } else if (auto breach = slo_breach(w, {{term, expect}})) {
        t.outcome = Case::Outcome::failed;
        t.message = *breach;
      }
      checks.push_back(std::move(t));
    }
  if (run.health_checked) {
    Case t{run_class, "the deployment is healthy after the run", Case::Outcome::passed, "", ""};
    if (!run.health_problems.empty()) {
      t.outcome = Case::Outcome::failed;
      t.message = run.health_problems.front();
      t.text = fmt::format("{}", fmt::join(run.health_problems, "\n"));
    }
    checks.push_back(std::move(t));
  }
  return {{"claims", std::move(claims)}, {"run checks", std::move(checks)}};
}

std::string junit_document(const std::vector<JUnitSuite>& suites) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"loadgate\">\n";
  for (const auto& s : suites) xml += suite(s.name, s.cases);
  return xml + "</testsuites>\n";
}

std::string junit_xml(const RunResult& run) {
  return junit_document(junit_suites(run));
}

}  // namespace loadgate
