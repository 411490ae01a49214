#include <filesystem>

#include <catch2/catch.hpp>

#include "history/change_points.h"
#include "history/history_store.h"
#include "history/trend_page.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

std::vector<std::optional<double>> nights(std::initializer_list<double> values) {
  return {values.begin(), values.end()};
}

std::vector<std::string> one_scenario(size_t n) {
  return std::vector<std::string>(n, "h");
}

HistoryEntry night(const std::string& rev, double p99_s, const std::string& verdict = "passed") {
  HistoryEntry e;
  e.recorded_at = "2026-12-06T02:00:00Z";
  e.command = "soak";
  e.scenario = "soak";
  e.scenario_hash = "0123456789abcdef";
  e.labels = {{"rev", rev}};
  e.verdict = verdict;
  e.result_dir = "/out/" + rev;
  e.figures = {{"items.latency.p99", p99_s}, {"items.errors.rate", 0.001}, {"ledger.lost", 0}};
  e.claims = {{"no-write-lost", "held", "0"}};
  e.windows = {
      {1, 0, 600, "held", {{"items.latency.p99", p99_s}}, {{"no-write-lost", "held", "0"}}},
      {2, 600, 1200, "broken", {{"items.latency.p99", p99_s * 2}}, {}}};
  return e;
}

}  // namespace

TEST_CASE(
    "a night is flagged only when it moved beyond the nights' spread and the minimum effect") {
  // Steady nights around 20 ms, then one at 60 ms: that one only.
  auto changes = change_points(nights({0.020, 0.021, 0.019, 0.060, 0.020}), one_scenario(5), 0.001);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].night == 3);
  CHECK(changes[0].baseline == Approx(0.020));
  CHECK(changes[0].compared_with == 3);
  // The flagged night is not the next one's norm: night 4 is judged against 20 ms, not 20.5.
  // Noisy nights (15..35 ms): 40 ms is within their spread, no alarm.
  CHECK(change_points(nights({0.015, 0.035, 0.020, 0.030, 0.040}), one_scenario(5), 0.001).empty());
  // A 10 % move on perfectly steady nights is below the 25 % minimum effect.
  CHECK(change_points(nights({0.020, 0.020, 0.020, 0.022}), one_scenario(4), 0.001).empty());
  // Below the floor: 0 → 0.4 % errors is not half a point.
  CHECK(change_points(nights({0, 0, 0, 0.004}), one_scenario(4), change_floor("w.errors.rate"))
            .empty());
  // One lost write where there were none is a change.
  CHECK(change_points(nights({0, 0, 1}), one_scenario(3), change_floor("ledger.lost")).size() == 1);
  // Too few nights before it: not judged.
  CHECK(change_points(nights({0.020, 0.200}), one_scenario(2), 0.001).empty());
  // Another scenario hash starts a new history.
  CHECK(change_points(nights({0.020, 0.020, 0.200}), {"a", "a", "b"}, 0.001).empty());
  // A night without the figure is skipped.
  CHECK(change_points({0.020, std::nullopt, 0.020, 0.200}, one_scenario(4), 0.001).size() == 1);
}

TEST_CASE(
    "the history store keeps a night's figures, windows, claims and labels in an SQLite file") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("loadgate-history-test-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(file);
  int64_t first = 0, second = 0;
  {
    HistoryStore store(file.string());
    first = store.record(night("aaa", 0.0123456789012345));
    second = store.record(night("bbb", 0.05, "failed"));
    HistoryEntry gate = night("ccc", 0.02);
    gate.command = "gate";
    gate.gate_samples = R"({"scenario":"soak"})";
    store.record(gate);
  }
  CHECK(second == first + 1);
  HistoryStore store(file.string());  // read back from the file
  const auto all = store.entries("soak");
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == first);  // oldest first
  CHECK(all[0].labels.at("rev") == "aaa");
  CHECK(all[0].label_text() == "rev=aaa");
  CHECK(all[0].figures.at("items.latency.p99") == 0.0123456789012345);  // exactly
  REQUIRE(all[0].windows.size() == 2);
  CHECK(all[0].windows[1].verdict == "broken");
  CHECK(all[0].windows[1].end_s == 1200);
  CHECK(all[0].windows[1].figures.at("items.latency.p99") == 0.0123456789012345 * 2);
  CHECK(all[0].windows[0].claims.at(0).id == "no-write-lost");
  CHECK(all[0].claims.at(0).verdict == "held");
  CHECK(all[1].verdict == "failed");
  CHECK(all[2].gate_samples == R"({"scenario":"soak"})");
  CHECK(all[0].gate_samples.empty());
  CHECK(store.entries("soak", "gate").size() == 1);
  CHECK(store.entries("soak", "", 2).front().id == second);  // the newest two
  CHECK(store.entries("other").empty());
  CHECK(store.entry(second)->labels.at("rev") == "bbb");
  CHECK_FALSE(store.entry(9999));
  std::filesystem::remove(file);

  CHECK_THROWS_WITH(HistoryStore("/nonexistent-dir/h.db"), Contains("/nonexistent-dir/h.db"));
  CHECK(is_postgres_dsn("host=127.0.0.1 port=5432 dbname=history"));
  CHECK(is_postgres_dsn("postgresql://u@db/history"));
  CHECK_FALSE(is_postgres_dsn("nightly.db"));
}

TEST_CASE("the trend page flags the night that changed and shows every claim's verdicts") {
  std::vector<HistoryEntry> series = {night("a", 0.020), night("b", 0.021), night("c", 0.019),
                                      night("slow", 0.080), night("d", 0.020)};
  for (size_t i = 0; i < series.size(); ++i) series[i].id = static_cast<int64_t>(i + 1);
  series[4].claims[0].verdict = "broken";
  const auto flagged = flagged_changes(series);
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0].figure == "items.latency.p99");
  CHECK(change_line(series, flagged[0]) ==
        "night #4 (rev=slow) items.latency.p99 80.0ms against 20.0ms, the median of 3 night(s) "
        "before (+300%)");
  const std::string page = trend_page("soak", series);
  CHECK_THAT(page, Contains("night #4 (rev=slow) items.latency.p99"));
  CHECK_THAT(page, Contains("<figure class=\"flagged\"><figcaption>items.latency.p99"));
  CHECK_THAT(page, Contains("class=\"changed\"><title>#4 (rev=slow): 80.0ms</title>"));
  CHECK_THAT(page, Contains("<td class=\"broken\" title=\"0\">broken</td>"));
  CHECK_THAT(page, !Contains("<script"));  // self-contained, nothing to run
}
