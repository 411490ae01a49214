#include "reports/checklist_report.h"

#include <fmt/format.h>

#include "reports/junit_report.h"
#include "reports/markup_escape.h"

namespace loadgate {
namespace {

using Status = ChecklistItemOutcome::Status;

const char* mark(Status status) {
  switch (status) {
    case Status::ticked:
      return "[x]";
    case Status::failed:
      return "[!]";
    default:
      return "[ ]";
  }
}

std::string claim_line(const ClaimVerdict& c) {
  return fmt::format("{} {}: {} {} (expected {}){}", status_name(c.status), c.id, c.metric,
                     c.measured.empty() ? "not measured" : "= " + c.measured, c.expect,
                     c.status == ClaimVerdict::Status::not_measured ? ": " + c.detail : "");
}

std::string counts(const ChecklistOutcome& list) {
  size_t ticked = 0;
  for (const auto& item : list.items) ticked += item.status == Status::ticked;
  return fmt::format("{} of {} ticked", ticked, list.items.size());
}

std::string source_text(const ChecklistOutcome& list) {
  if (list.source_doc.empty()) return "";
  return list.source_section.empty() ? list.source_doc
                                     : fmt::format("{}, {}", list.source_doc, list.source_section);
}

}  // namespace

const char* status_word(Status status) {
  switch (status) {
    case Status::ticked:
      return "ticked";
    case Status::failed:
      return "FAILED";
    default:
      return "not checked";
  }
}

void settle_item(ChecklistItemOutcome& item) {
  int gravest = 0;
  const ChecklistStepOutcome* decisive = nullptr;
  // 1 outranks 2, which outranks 3: a broken claim is a finding whatever else went wrong.
  auto rank = [](int code) { return code == 0 ? 0 : 4 - code; };
  for (const auto& step : item.steps)
    if (rank(step.verdict.exit_code()) > rank(gravest)) {
      gravest = step.verdict.exit_code();
      decisive = &step;
    }
  switch (gravest) {
    case 0:
      item.status = item.steps.empty() ? Status::skipped : Status::ticked;
      return;
    case 1:
      item.status = Status::failed;
      break;
    case 2:
      item.status = Status::could_not_run;
      break;
    default:
      item.status = Status::inconclusive;
  }
  item.reason = fmt::format("{}: {}", decisive->scenario, decisive->verdict.state());
}

int ChecklistOutcome::exit_code() const {
  bool failed = false, error = items.empty(), inconclusive = false;
  for (const auto& item : items) {
    failed |= item.status == Status::failed;
    error |= item.status == Status::could_not_run;
    inconclusive |= item.status == Status::inconclusive;
  }
  return failed ? 1 : error ? 2 : inconclusive ? 3 : 0;
}

std::string ChecklistOutcome::verdict() const {
  static const char* const words[] = {"PASS", "FAIL", "ERROR", "INCONCLUSIVE"};
  return words[exit_code()];
}

std::string checklist_console(const ChecklistOutcome& list) {
  std::string out = fmt::format("phase2 {}: {} ({})\n", list.name, list.verdict(), counts(list));
  if (const auto source = source_text(list); !source.empty()) out += "  from " + source + "\n";
  for (const auto& item : list.items) {
    out += fmt::format("  {} {}: {}\n", mark(item.status), item.id, item.check);
    // A step's own line says what went wrong; an item without steps has only its reason.
    if (item.status != Status::ticked)
      out += fmt::format("      {}{}\n", status_word(item.status),
                         item.steps.empty() && !item.reason.empty() ? ": " + item.reason : "");
    for (const auto& step : item.steps) {
      out += fmt::format("      {}: {}  ({})\n", step.scenario, step.verdict.state(),
                         step.dir.string());
      for (const auto& c : step.claims) out += "        " + claim_line(c) + "\n";
    }
  }
  return out;
}

std::string checklist_markdown(const ChecklistOutcome& list, size_t max_bytes) {
  std::string md = fmt::format("## Phase 2 checklist {}: {} ({})\n\n", markdown_cell(list.name),
                               list.verdict(), counts(list));
  if (const auto source = source_text(list); !source.empty())
    md += fmt::format("From {}.\n\n", markdown_cell(source));
  size_t left_out = 0;
  for (const auto& item : list.items) {
    std::string part =
        fmt::format("- {} **{}**: {}\n", item.status == Status::ticked ? "[x]" : "[ ]",
                    markdown_cell(item.id), markdown_cell(item.check));
    if (!item.quote.empty()) part += fmt::format("  > {}\n", markdown_cell(item.quote));
    if (item.status != Status::ticked)
      part += fmt::format("  - **{}**{}\n", status_word(item.status),
                          item.reason.empty() ? "" : ": " + markdown_cell(item.reason));
    for (const auto& step : item.steps)
      for (const auto& c : step.claims)
        part += fmt::format("  - {}\n", markdown_cell(claim_line(c)));
    if (md.size() + part.size() + 64 > max_bytes) {
      ++left_out;
      continue;
    }
    md += part;
  }
  if (left_out) md += fmt::format("\n{} more items in checklist.json.\n", left_out);
  return md;
}

std::string checklist_html(const ChecklistOutcome& list, const std::filesystem::path& out) {
  std::string items;
  for (const auto& item : list.items) {
    const char* css = item.status == Status::ticked   ? "ticked"
                      : item.status == Status::failed ? "failed"
                                                      : "unchecked";
    std::string steps;
    for (const auto& step : item.steps) {
      std::string claims;
      for (const auto& c : step.claims)
        claims += fmt::format(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td class=\"quote\">{}</td></tr>\n",
            c.status == ClaimVerdict::Status::held     ? "ticked"
            : c.status == ClaimVerdict::Status::broken ? "failed"
                                                       : "unchecked",
            status_name(c.status), markup_escape(c.id), markup_escape(c.metric),
            markup_escape(c.measured.empty() ? c.detail : c.measured), markup_escape(c.expect),
            markup_escape(c.source_quote));
      const auto report = std::filesystem::relative(step.dir / "report.html", out);
      steps += fmt::format(
          "<div class=\"step\"><p><code>{}</code>: {} · <a href=\"{}\">its "
          "report</a></p>\n{}</div>\n",
          markup_escape(step.scenario), markup_escape(step.verdict.state()),
          markup_escape(report.string()),
          claims.empty() ? ""
                         : "<table><tr><th>verdict</th><th>claim</th><th>metric</th><th>measured"
                           "</th><th>expected</th><th>the document says</th></tr>\n" +
                               claims + "</table>");
    }
    items += fmt::format(
        "<li class=\"{}\"><span class=\"mark\">{}</span> <b>{}</b>: {}{}{}\n{}</li>\n", css,
        status_word(item.status), markup_escape(item.id), markup_escape(item.check),
        item.quote.empty() ? "" : "<blockquote>" + markup_escape(item.quote) + "</blockquote>",
        item.reason.empty() ? "" : "<p class=\"reason\">" + markup_escape(item.reason) + "</p>",
        steps);
  }
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Phase 2 checklist {name}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
h1 .verdict {{ padding: 0 .4em; border-radius: 4px; color: #fff; background: #888; }}
h1 .PASS {{ background: #2a7d2a; }} h1 .FAIL {{ background: #b3261e; }}
ul {{ list-style: none; padding: 0; }}
li {{ border-left: 6px solid #999; margin: 1em 0; padding: .3em 1em; background: #fafafa; }}
li.ticked {{ border-color: #2a7d2a; }} li.failed {{ border-color: #b3261e; }}
.mark {{ font-weight: bold; text-transform: uppercase; font-size: 85%; }}
li.ticked > .mark {{ color: #2a7d2a; }} li.failed > .mark {{ color: #b3261e; }}
li.unchecked > .mark {{ color: #8a6d00; }}
blockquote {{ margin: .3em 0; color: #555; font-style: italic; }}
table {{ border-collapse: collapse; margin: .4em 0; font-size: 90%; }}
td, th {{ border: 1px solid #ddd; padding: .2em .5em; text-align: left; vertical-align: top; }}
tr.ticked td:first-child {{ color: #2a7d2a; }} tr.failed td:first-child {{ color: #b3261e; }}
td.quote {{ color: #555; font-style: italic; max-width: 25em; }}
.reason {{ color: #b3261e; }}
</style></head><body>
<h1>Phase 2 checklist {name} <span class="verdict {verdict}">{verdict}</span></h1>
<p>{counts}{source}</p>
<ul>
{items}</ul>
</body></html>
)",
      fmt::arg("name", markup_escape(list.name)), fmt::arg("verdict", list.verdict()),
      fmt::arg("counts", counts(list)),
      fmt::arg("source", source_text(list).empty() ? std::string()
                                                   : " · from " + markup_escape(source_text(list))),
      fmt::arg("items", items));
}

std::string checklist_junit(const ChecklistOutcome& list) {
  std::vector<JUnitSuite> suites;
  JUnitSuite checklist{"checklist " + list.name, {}};
  for (const auto& item : list.items) {
    JUnitCase t{"phase2." + list.name, item.id, JUnitCase::Outcome::passed, "", item.check};
    if (item.status == Status::failed) {
      t.outcome = JUnitCase::Outcome::failed;
      t.message = item.reason;
    } else if (item.status != Status::ticked) {
      t.outcome = JUnitCase::Outcome::skipped;
      t.message = fmt::format("not checked: {}", item.reason);
    }
    checklist.cases.push_back(std::move(t));
  }
  suites.push_back(std::move(checklist));
  for (const auto& item : list.items)
    for (const auto& step : item.steps)
      for (const auto& claim : step.claims) {
        JUnitCase t{fmt::format("phase2.{}.{}", list.name, item.id), claim.id,
                    JUnitCase::Outcome::passed, "", claim_line(claim)};
        if (claim.status == ClaimVerdict::Status::broken) {
          t.outcome = JUnitCase::Outcome::failed;
          t.message = claim_line(claim);
        } else if (claim.status == ClaimVerdict::Status::not_measured) {
          t.outcome = JUnitCase::Outcome::skipped;
          t.message = claim_line(claim);
        }
        if (suites.size() == 1 || suites.back().name != item.id) suites.push_back({item.id, {}});
        suites.back().cases.push_back(std::move(t));
      }
  return junit_document(suites);
}

nlohmann::json checklist_json(const ChecklistOutcome& list) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : list.items) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& step : item.steps) {
      nlohmann::json claims = nlohmann::json::array();
      for (const auto& c : step.claims)
        claims.push_back({{"id", c.id},
                          {"status", status_name(c.status)},
                          {"metric", c.metric},
                          {"expect", c.expect},
                          {"measured", c.measured},
                          {"detail", c.detail},
                          {"source", {{"doc", c.source_doc}, {"quote", c.source_quote}}}});
      steps.push_back({{"scenario", step.scenario},
                       {"dir", step.dir.string()},
                       {"state", step.verdict.state()},
                       {"exit_code", step.verdict.exit_code()},
                       {"claims", claims}});
    }
    items.push_back({{"id", item.id},
                     {"check", item.check},
                     {"quote", item.quote},
                     {"status", status_word(item.status)},
                     {"reason", item.reason},
                     {"steps", steps}});
  }
  return {{"schema", "loadgate.checklist/1"},
          {"name", list.name},
          {"source", {{"doc", list.source_doc}, {"section", list.source_section}}},
          {"verdict", list.verdict()},
          {"exit_code", list.exit_code()},
          {"items", items}};
}

}  // namespace loadgate
