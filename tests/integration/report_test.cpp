// Every report of one run agrees: a short run with a fault and claims on its own testbed, then
// result.json, junit.xml, summary.md and report.html as written, each re-rendered by
// `loadgate report` from the directory alone, claims re-judged from another file, and the HTML
// opened in a real browser (headless Chromium) that must draw every chart without a script error.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/expectation.h"
#include "harness/histogram.h"
#include "reports/hdr_encoding.h"
#include "tests/support/command.h"
#include "tests/support/own_testbed.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string write_file(const std::string& name, const std::string& text) {
  const auto file = scratch_dir() / name;
  std::ofstream(file) << text;
  return file.string();
}

// The number in `text` after `prefix`, e.g. tests="3".
int attribute(const std::string& text, const std::string& prefix) {
  std::smatch m;
  const std::regex pattern(prefix + "\"([0-9]+)\"");
  if (!std::regex_search(text, m, pattern)) return -1;
  return std::stoi(m[1]);
}

const char* kClaims =
    "claims:\n"
    "  - id: jwt-throughput\n"
    "    source: {doc: test.txt, quote: \"validates 100/s\"}\n"
    "    metric: validate.throughput\n"
    "    expect: \">= 60/s\"\n"
    "  - id: api-p99\n"
    "    source: {doc: test.txt, quote: \"p99 under a minute\"}\n"
    "    metric: items.latency.p99\n"
    "    expect: \"< 60s\"\n"
    "  - id: pool-math\n"
    "    source: {doc: test.txt, quote: \"2 x 25 = 50\"}\n"
    "    model: pgbouncer_instances * default_pool_size\n"
    "    expect: \"== 50\"\n"
    "  - id: backends\n"
    "    source: {doc: test.txt, quote: \"under 62\"}\n"
    "    metric: db.backend_connections.max\n"
    "    expect: \"<= 62\"\n"
    "  - id: restart-downtime\n"
    "    source: {doc: test.txt, quote: \"a restart costs under 30 s\"}\n"
    "    metric: fault.pgbouncer-restart.downtime\n"
    "    expect: \"<= 30s\"\n"
    "  - id: api-p99-during-restart\n"
    "    source: {doc: test.txt, quote: \"a restart does not stall reads\"}\n"
    "    metric: items.latency.p99\n"
    "    expect: \"< 60s\"\n"
    "    window: during pgbouncer-restart\n"
    "  - id: capacity-claimed-high\n"
    "    source: {doc: test.txt, quote: \"5000 validations/s\"}\n"
    "    metric: validate.throughput\n"
    "    expect: \">= 5000/s\"\n";

}  // namespace

TEST_CASE("every report of a run with a fault agrees when re-rendered and re-judged", "[faults]") {
  OwnTestbed testbed;
  const std::string claims = write_file("report-claims.yaml", kClaims);
  const LoadgateRun run = run_on_testbed(
      testbed.dir,
      write_scenario("report-run.yaml",
                     "name: report-run\n"
                     "target: {testbed: default}\n"
                     "phases: [{name: warmup, duration: 1s}, {name: steady, duration: 8s}]\n"
                     // Under a sanitizer requests start late: this is about the reports.
                     "client: {interval: 500ms, max_schedule_lag: 200ms}\n"
                     "slo: {errors.rate: \"< 50%\"}\n"
                     "workloads:\n"
                     "  validate: {kind: jwt, executor: {type: constant-arrival-rate, rate: "
                     "100/s}}\n"
                     "  items:\n"
                     "    kind: api\n"
                     "    executor: {type: constant-arrival-rate, rate: 40/s}\n"
                     "    ids: {min: 1, max: 100}\n"
                     "    requests: [{name: read, method: GET, path: \"/api/v1/items/{{id}}\", "
                     "expect: 200}]\n"
                     "faults:\n"
                     "  - {kind: pgbouncer-restart, at: 4s, mode: kill, which: pgbouncer-1, "
                     "recover_after: 1s}\n"
                     "claims: [" +
                         claims + "]\n"),
      "", "report-run");
  INFO(run.command.output);
  // One claim asks for more than was offered (not measured), the rest hold: exit 0.
  REQUIRE(run.command.exit_code == 0);
  const std::filesystem::path dir = run.result_dir;
  for (const char* file : {"result.json", "timeline.jsonl", "observations.jsonl", "junit.xml",
                           "summary.md", "report.html", "hdr/validate.hlog", "hdr/items.hlog"})
    CHECK(std::filesystem::file_size(dir / file) > 0);

  const json& result = run.result;
  REQUIRE(result["claims"].size() == 7);
  int held = 0, broken = 0, unmeasured = 0;
  for (const auto& c : result["claims"]) {
    const std::string verdict = c["verdict"];
    held += verdict == "held";
    broken += verdict == "broken";
    unmeasured += verdict == "not measured";
  }
  CHECK(held == 6);
  CHECK(unmeasured == 1);
  CHECK(result["faults"].size() == 1);
  CHECK(result["deployment"]["topology"]["pgbouncer_instances"] == 2);

  // The fault window's p99 is that of the window's requests: the same number, recomputed here
  // from the raw HdrHistogram interval log's lines in the window, merged.
  {
    REQUIRE(result["windows"].size() == 1);
    const json& window = result["windows"][0];
    CHECK(window["scope"] == "during pgbouncer-restart");
    const double from = result["faults"][0]["started_at_s"];
    const double to = std::max(result["faults"][0]["recovered_at_s"].get<double>(),
                               result["faults"][0]["injected_at_s"].get<double>());
    std::vector<uint64_t> counts(Histogram::counts_length(), 0);
    int64_t max_us = 0;
    size_t lines = 0;
    std::ifstream hlog(dir / "hdr" / "items.hlog");
    for (std::string line; std::getline(hlog, line);) {
      if (line.empty() || line[0] == '#' || line[0] == '"') continue;
      double start = 0, length = 0, max_ms = 0;
      REQUIRE(std::sscanf(line.c_str(), "%lf,%lf,%lf,", &start, &length, &max_ms) == 3);
      const double end = start + length;
      // The window's rule (reports/run_fold.cpp): the intervals that end inside it, or cover
      // its end.
      if (!((end > from + 1e-6 && end <= to + 1e-6) || (start < to && end >= to))) continue;
      ++lines;
      const auto decoded = decode_compressed_base64(line.substr(line.rfind(',') + 1));
      for (size_t i = 0; i < decoded.size(); ++i) counts[i] += decoded[i];
      max_us = std::max(max_us, static_cast<int64_t>(std::llround(max_ms * 1000)));
    }
    CHECK(lines == window["intervals"]);
    const Histogram merged = Histogram::from_counts(counts, 0, max_us, 0, 0);
    const json& items = window["workloads"][1];
    REQUIRE(items["name"] == "items");
    CHECK(merged.count() == items["latency_us"]["count"]);
    CHECK(merged.value_at_percentile(99) == items["latency_us"]["p99"]);
    CHECK(merged.value_at_percentile(50) == items["latency_us"]["p50"]);
    for (const auto& c : result["claims"])
      if (c["id"] == "api-p99-during-restart")
        CHECK(c["measured"] ==
              format_value(static_cast<double>(merged.value_at_percentile(99)) / 1e6,
                           Quantity::duration));
  }

  // `loadgate report` renders each file again from the directory, byte for byte.
  const std::string report = loadgate_bin() + " report " + dir.string();
  for (const auto& [format, file] :
       std::vector<std::pair<std::string, std::string>>{{"json", "result.json"},
                                                        {"junit", "junit.xml"},
                                                        {"markdown", "summary.md"},
                                                        {"html", "report.html"}}) {
    const auto again = scratch_dir() / ("again." + format);
    const CommandResult rendered =
        run_command(report + " --format " + format + " -o " + again.string());
    INFO(format << ": " << rendered.output);
    CHECK(rendered.exit_code == 0);
    CHECK(read_file(again) == read_file(dir / file));
  }

  // The headline numbers agree across the formats.
  const std::string junit = read_file(dir / "junit.xml");
  CHECK(run_command("xmllint --noout " + (dir / "junit.xml").string()).exit_code == 0);
  CHECK(attribute(junit, "<testsuite name=\"claims\" tests=") == 7);
  CHECK(attribute(junit, "<testsuite name=\"claims\" tests=\"7\" failures=") == broken);
  CHECK(attribute(junit, "failures=\"0\" skipped=") == unmeasured);
  const std::string markdown = read_file(dir / "summary.md");
  CHECK_THAT(markdown, Contains(fmt::format("**Claims: {} held, {} broken, {} not measured**", held,
                                            broken, unmeasured)));
  const CommandResult console = run_command(report);
  CHECK(console.exit_code == 0);
  for (const auto& w : result["workloads"]) {
    const std::string achieved = fmt::format("{:.1f}/s", w["achieved_rate"].get<double>());
    CHECK_THAT(console.output, Contains(achieved));
    CHECK_THAT(markdown, Contains(w["name"].get<std::string>()));
  }
  const std::string html = read_file(dir / "report.html");
  CHECK_THAT(html, Contains(fmt::format("{} held</span>", held)));
  CHECK_THAT(html, Contains("pgbouncer-restart"));

  // In a browser: no script error, every chart drawn (the deployment was observed, so its
  // gauges too), a path per series.
  const CommandResult dom = run_command(
      "chromium --headless --no-sandbox --disable-gpu --log-level=3 --dump-dom file://" +
          (dir / "report.html").string(),
      90);
  INFO(dom.output.substr(0, 2000));
  REQUIRE(dom.exit_code == 0);
  CHECK_THAT(dom.output, Contains("data-script-errors=\"0\""));
  CHECK_THAT(dom.output, Contains("data-charts-drawn=\"7\""));
  CHECK(attribute(dom.output, "id=\"chart-connections\" data-drawn=\"true\" data-series=") == 4);
  CHECK(attribute(dom.output, "id=\"chart-cpu\" data-drawn=\"true\" data-series=") >= 4);
  CHECK(attribute(dom.output, "id=\"chart-throughput\" data-drawn=\"true\" data-series=") == 2);
  // Every point of every series lies inside its plot (230 high, 16 above and 28 below kept for
  // labels): none drawn off an axis.
  const std::regex path("class=\"series[^\"]*\"|d=\"([^\"]+)\"");
  const std::regex point("[ML]([-0-9.]+),([-0-9.]+)");
  size_t points = 0;
  for (auto it = std::sregex_iterator(dom.output.begin(), dom.output.end(), path);
       it != std::sregex_iterator(); ++it) {
    const std::string d = (*it)[1];
    for (auto p = std::sregex_iterator(d.begin(), d.end(), point); p != std::sregex_iterator();
         ++p, ++points) {
      const double x = std::stod((*p)[1]), y = std::stod((*p)[2]);
      CHECK(x >= 52 - 0.5);
      CHECK(x <= 540 - 12 + 0.5);
      CHECK(y >= 16 - 0.5);
      CHECK(y <= 230 - 28 + 0.5);
    }
  }
  CHECK(points > 50);

  // Claims re-judged without running again: a stricter file breaks one, and the exit says so.
  const std::string strict =
      write_file("strict-claims.yaml",
                 "claims:\n"
                 "  - id: api-p99-strict\n"
                 "    source: {doc: test.txt, quote: \"p99 under a microsecond\"}\n"
                 "    metric: items.latency.p99\n"
                 "    expect: \"< 1us\"\n");
  const CommandResult rejudged = run_command(report + " --format json --claims " + strict);
  CHECK(rejudged.exit_code == 1);
  CHECK_THAT(rejudged.output, Contains("FAILED: claim api-p99-strict broken"));
  CHECK_THAT(rejudged.output, Contains("\"verdict\": \"broken\""));
  // --gate fails the not-measured claim of the stored verdicts.
  CHECK(run_command(report + " --gate --format markdown").exit_code == 1);
  // A directory without a run says so, exit 2.
  const CommandResult empty = run_command(loadgate_bin() + " report " + scratch_dir().string());
  CHECK(empty.exit_code == 2);
  CHECK_THAT(empty.output, Contains("is it a loadgate results directory?"));
}
