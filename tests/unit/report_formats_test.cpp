// The report formats: the HTML page's embedded data and JUnit's testcases.
#include <catch2/catch.hpp>

#include "reports/html_report.h"
#include "reports/junit_report.h"
#include "reports/report_formats.h"
#include "tests/support/fold_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

TEST_CASE("the HTML page embeds its data safely and shows every verdict") {
  RunResult run = test::planned_run({"login"}, {{"main", 0s, 1s, true}});
  run.scenario = "s<script>";
  run.faults = {FaultEvent{"network", "network </script><b>", "proxy", 0s, 0s, 1s, true, true}};
  test::fold(run, {test::interval_of(0, "login", 1, 0, 1)});
  ClaimVerdict held;
  held.id = "held-one";
  held.source_quote = "\"quoted\" & <b>bold</b>";
  held.status = ClaimVerdict::Status::held;
  run.claims = {held};
  const std::string html = html_report(run);
  CHECK_THAT(html, Contains("<title>loadgate: s&lt;script&gt;</title>"));
  CHECK_THAT(html, Contains("<span class=\"verdict held\">held</span>"));
  CHECK_THAT(html, Contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
  // The fault's label is in the data, and cannot end the data's script element.
  CHECK_THAT(html, Contains("network <\\/script><b>"));
  CHECK(html.find("network </script>") == std::string::npos);
  CHECK_THAT(html, Contains("window.onerror"));
  CHECK_THAT(html, Contains("id=\"chart-distribution\""));
}

TEST_CASE("JUnit has a testcase per SLO threshold of each workload") {
  RunResult run;
  run.scenario = "s";
  run.slo = {{"errors.rate", "< 1%"}, {"latency.p95", "< 100ms"}};
  WorkloadResult w;
  w.name = "api";
  w.ok = 90;
  w.errors["http_503"] = 10;
  for (int i = 0; i < 90; ++i) w.latency.record(20'000);
  run.workloads = {w};
  const std::string xml = junit_xml(run);
  CHECK_THAT(xml, Contains("name=\"api errors.rate &lt; 1%\"><failure message=\"errors 10.00% "
                           "breaks the SLO errors.rate &lt; 1%\">"));
  CHECK_THAT(xml, Contains("name=\"api latency.p95 &lt; 100ms\"></testcase>"));
}

TEST_CASE("every format is in one registry that run and report both read") {
  CHECK(report_format_names() ==
        std::vector<std::string>{"console", "json", "junit", "markdown", "html"});
  REQUIRE(find_report_format("junit"));
  CHECK(std::string(find_report_format("junit")->file) == "junit.xml");
  CHECK(find_report_format("console")->file == nullptr);  // printed, not written
  CHECK(find_report_format("pdf") == nullptr);
  RunResult run;
  run.scenario = "s";
  CHECK_THAT(find_report_format("markdown")->render(run, false), Contains("loadgate"));
}
