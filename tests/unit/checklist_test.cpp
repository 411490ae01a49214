// The Phase 2 checklist: reading its file (every mistake named by file and line) and settling and
// reporting its items (ticked, failed, not checked, and why) in each format.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "harness/config_node.h"
#include "reports/checklist_report.h"
#include "session/checklist.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using Status = ChecklistItemOutcome::Status;

namespace {

// A checklist folder with one scenario and one claims file, and the checklist `text`.
std::filesystem::path checklist_file(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-checklist-test";
  std::filesystem::create_directories(dir / "steps");
  std::ofstream(dir / "steps" / "lag.yaml") << "name: lag\n";
  std::ofstream(dir / "claims.yaml") << "claims: []\n";
  std::ofstream(dir / "list.yaml") << text;
  return dir / "list.yaml";
}

ChecklistStepOutcome step(const std::string& scenario, RunVerdict verdict,
                          std::vector<ClaimVerdict> claims = {}) {
  return {scenario, "out/" + scenario, std::move(claims), std::move(verdict)};
}

ClaimVerdict claim(const std::string& id, ClaimVerdict::Status status, const std::string& measured,
                   const std::string& quote = "should stay under 100ms") {
  ClaimVerdict c;
  c.id = id;
  c.status = status;
  c.metric = "db.replica_lag.max";
  c.expect = "< 100ms";
  c.measured = measured;
  c.source_doc = "000.txt";
  c.source_quote = quote;
  return c;
}

ChecklistItemOutcome settled(const std::string& id, std::vector<ChecklistStepOutcome> steps) {
  ChecklistItemOutcome item{id, "check " + id,   "the document says so", Status::skipped,
                            "", std::move(steps)};
  settle_item(item);
  return item;
}

}  // namespace

TEST_CASE("a checklist reads its items and their steps, paths beside the checklist") {
  const auto file = checklist_file(R"(name: p2
source: {doc: 000.txt, section: Migration checklist}
items:
  - id: lag
    check: replica lag under 100 ms
    quote: "should stay under 100ms in steady state"
    gate: false
    steps:
      - {scenario: steps/lag.yaml, claims: [claims.yaml], set: ["phases.1.duration=5s"]}
)");
  const Checklist list = load_checklist(file);
  CHECK(list.name == "p2");
  CHECK(list.source_section == "Migration checklist");
  REQUIRE(list.items.size() == 1);
  const ChecklistItem& item = list.items[0];
  CHECK(item.id == "lag");
  CHECK_FALSE(item.gate);
  REQUIRE(item.steps.size() == 1);
  CHECK(item.steps[0].scenario == file.parent_path() / "steps" / "lag.yaml");
  CHECK(item.steps[0].claims ==
        std::vector<std::filesystem::path>{file.parent_path() / "claims.yaml"});
  CHECK(item.steps[0].overrides == std::vector<std::string>{"phases.1.duration=5s"});
}

TEST_CASE("a checklist's mistakes are named by file and line") {
  auto fails_with = [](const std::string& text, const std::string& message) {
    const auto file = checklist_file(text);
    CHECK_THROWS_WITH(load_checklist(file), Contains(file.string() + ":") && Contains(message));
  };
  fails_with("name: p\nitems:\n  - {id: a, check: c, steps: [{scenario: steps/nope.yaml}]}\n",
             "no such file");
  fails_with(
      "name: p\nitems:\n  - {id: a, check: c, steps: [{scenario: steps/lag.yaml}]}\n"
      "  - {id: a, check: d, steps: [{scenario: steps/lag.yaml}]}\n",
      "unique");
  fails_with("name: p\nitems:\n  - {id: a, check: c, steps: []}\n", "at least one step");
  fails_with(
      "name: p\nitems:\n  - {id: a, check: c, steps: [{scenario: steps/lag.yaml, set: [x]}]}\n",
      "PATH=VALUE");
  fails_with("name: p\nitems:\n  - {id: a, chek: c, steps: [{scenario: steps/lag.yaml}]}\n",
             "check");
  CHECK_THROWS_WITH(load_checklist("/nonexistent/list.yaml"),
                    Contains("/nonexistent/list.yaml: cannot read the checklist"));
}

TEST_CASE("an item is as grave as its gravest step: a broken claim outranks an error") {
  RunVerdict clean, broken, error, unsure;
  broken.failures = {"claim lag broken (measured 150ms, expected < 100ms)"};
  error.errors = {"fault failover: the standby did not come up"};
  unsure.inconclusive = {"generator-bound: the figures describe loadgate, not the target"};
  CHECK(settled("a", {step("one", clean), step("two", clean)}).status == Status::ticked);
  const auto failed = settled("b", {step("one", error), step("two", broken)});
  CHECK(failed.status == Status::failed);
  CHECK_THAT(failed.reason, Contains("two: FAIL: claim lag broken"));
  CHECK(settled("c", {step("one", unsure), step("two", error)}).status == Status::could_not_run);
  CHECK(settled("d", {step("one", clean), step("two", unsure)}).status == Status::inconclusive);
  CHECK(settled("e", {}).status == Status::skipped);

  ChecklistOutcome list{"p2", "000.txt", "Migration checklist", {}};
  list.items = {settled("a", {step("one", clean)})};
  CHECK(list.exit_code() == 0);
  list.items.push_back(settled("d", {step("two", unsure)}));
  CHECK(list.exit_code() == 3);
  list.items.push_back(settled("c", {step("one", error)}));
  CHECK(list.exit_code() == 2);
  list.items.push_back(settled("b", {step("two", broken)}));
  CHECK(list.exit_code() == 1);
  CHECK(list.verdict() == "FAIL");
  CHECK(ChecklistOutcome{}.exit_code() == 2);  // nothing checked is no pass
}

TEST_CASE("the checklist's report says each item's state, its evidence and its quote") {
  RunVerdict broken;
  broken.failures = {"claim lag broken (measured 150ms, expected < 100ms)"};
  ChecklistOutcome list{"p2", "000.txt", "Migration checklist", {}};
  list.items.push_back(
      settled("failover", {step("steps/failover.yaml", {},
                                {claim("downtime", ClaimVerdict::Status::held, "15.00s")})}));
  list.items.push_back(settled(
      "lag", {step("steps/lag.yaml", broken,
                   {claim("lag", ClaimVerdict::Status::broken, "150ms", "<script>x</script>")})}));
  ChecklistItemOutcome skipped{"scaling",
                               "check scaling",
                               "",
                               Status::skipped,
                               "gate item lag failed before it (--keep-going runs it)",
                               {}};
  list.items.push_back(skipped);

  const std::string console = checklist_console(list);
  CHECK_THAT(console, Contains("phase2 p2: FAIL (1 of 3 ticked)") && Contains("[x] failover") &&
                          Contains("[!] lag") &&
                          Contains("broken lag: db.replica_lag.max = 150ms (expected < 100ms)") &&
                          Contains("[ ] scaling") &&
                          Contains("not checked: gate item lag failed before it"));

  const std::string md = checklist_markdown(list);
  CHECK_THAT(md, Contains("## Phase 2 checklist p2: FAIL (1 of 3 ticked)") &&
                     Contains("- [x] **failover**") && Contains("- [ ] **lag**") &&
                     Contains("**FAILED**"));
  const std::string short_md = checklist_markdown(list, 200);
  CHECK(short_md.size() <= 200 + 40);
  CHECK_THAT(short_md, Contains("more items in checklist.json"));

  const std::string html = checklist_html(list, "out");
  CHECK_THAT(html, Contains("<span class=\"verdict FAIL\">FAIL</span>") &&
                       Contains("&lt;script&gt;x&lt;/script&gt;") &&
                       Contains("href=\"steps/lag.yaml/report.html\""));
  CHECK(html.find("<script>") == std::string::npos);

  const std::string junit = checklist_junit(list);
  CHECK_THAT(junit, Contains("name=\"failover\"") && Contains("name=\"lag\"><failure") &&
                        Contains("name=\"scaling\"><skipped"));

  const auto json = checklist_json(list);
  CHECK(json["verdict"] == "FAIL");
  CHECK(json["items"][1]["status"] == "FAILED");
  CHECK(json["items"][1]["steps"][0]["claims"][0]["source"]["quote"] == "<script>x</script>");
  CHECK(json["items"][2]["status"] == "not checked");
}
