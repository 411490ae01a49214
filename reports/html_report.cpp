#include "reports/html_report.h"

#include <algorithm>
#include <tuple>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/console_summary.h"
#include "reports/gate_samples.h"
#include "reports/html_assets.h"
#include "reports/markup_escape.h"

namespace loadgate {
namespace {

using nlohmann::json;

std::string ms(int64_t micros) {
  return fmt::format("{:.2f} ms", static_cast<double>(micros) / 1000.0);
}

// The median of the baseline's runs at each interval, placed at that interval's end in this run's
// recorded phases: {"validate": {"throughput": [[t, v]], "p50": [[t, ms]], "p99": [...]}}.
json baseline_data(const RunResult& run, const GateSamples& baseline) {
  Duration recorded_start{};
  for (const auto& phase : run.phases)
    if (phase.recorded) {
      recorded_start = phase.start;
      break;
    }
  json by_workload = json::object();
  for (const auto& w : baseline.workloads) {
    json figures = json::object();
    for (const auto& [field, metric, scale] :
         {std::tuple{"throughput", "throughput", 1.0}, std::tuple{"p50", "latency.p50", 1000.0},
          std::tuple{"p99", "latency.p99", 1000.0}}) {
      const auto runs = w.samples.find(metric);
      if (runs == w.samples.end()) continue;
      json points = json::array();
      for (size_t i = 0;; ++i) {
        std::vector<double> at_i;
        for (const auto& one : runs->second)
          if (i < one.size()) at_i.push_back(one[i]);
        if (at_i.empty()) break;
        std::nth_element(at_i.begin(), at_i.begin() + at_i.size() / 2, at_i.end());
        points.push_back(
            {seconds(recorded_start + (i + 1) * run.interval), at_i[at_i.size() / 2] * scale});
      }
      figures[field] = points;
    }
    by_workload[w.name] = figures;
  }
  return by_workload;
}

// What the page's script draws; see report.js for how each field is read.
json chart_data(const RunResult& run, const GateSamples* baseline) {
  json names = json::array();
  for (const auto& w : run.workloads) names.push_back(w.name);
  json timeline = json::array();
  for (const auto& point : run.charts.timeline) {
    json workloads = json::object();
    for (size_t w = 0; w < point.workloads.size() && w < run.workloads.size(); ++w) {
      const ChartPoint::Workload& p = point.workloads[w];
      workloads[run.workloads[w].name] = {{"ok", p.successes},
                                          {"errors", p.errors},
                                          {"p50", static_cast<double>(p.p50_us) / 1000.0},
                                          {"p99", static_cast<double>(p.p99_us) / 1000.0}};
    }
    timeline.push_back({{"t", seconds(point.end)},
                        {"length", std::max(seconds(point.length), 1e-3)},
                        {"w", workloads}});
  }
  json faults = json::array();  // shaded from each injection to its recovery
  for (const auto& window : fault_windows(run.faults, run.planned_duration)) {
    const FaultEvent& f = run.faults[window.event];
    faults.push_back({{"start", seconds(window.start)},
                      {"end", seconds(window.recovered)},
                      {"label", f.kind},
                      {"title", f.description}});
  }
  // The observed gauges in three charts of one unit each: connections (counts), waits and
  // lag (ms), CPU by role (% of a core).
  json gauges = {{"connections", json::array()}, {"waits", json::array()}, {"cpu", json::array()}};
  for (const auto& [name, points] : run.charts.gauges) {
    const char* group = nullptr;
    double scale = 1;
    if (name == "db.backend_connections" || name == "pgbouncer.client_connections" ||
        name == "pgbouncer.server_connections" || name == "pgbouncer.cl_waiting")
      group = "connections";
    else if (name == "db.replica_lag" || name == "pgbouncer.maxwait" ||
             name == "pgbouncer.avg_query_time" || name == "pgbouncer.avg_xact_time")
      group = "waits", scale = 1000;
    else if (name.starts_with("process.") && name.ends_with(".cpu"))
      group = "cpu", scale = 100;
    if (!group) continue;
    json series = json::array();
    for (const auto& [t, value] : points) series.push_back({seconds(t), value * scale});
    gauges[group].push_back({{"name", name}, {"points", series}});
  }
  json distribution = json::array();
  for (const auto& w : run.workloads) {
    if (w.latency.count() == 0) continue;
    json points = json::array();
    for (double q :
         {0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.999})
      if (q < 100.0 - 100.0 / static_cast<double>(w.latency.count()) || q == 0.0)
        points.push_back({q, static_cast<double>(w.latency.value_at_percentile(q)) / 1000.0});
    distribution.push_back({{"name", w.name}, {"points", points}});
  }
  json data = {{"workloads", names},   {"duration", seconds(run.planned_duration)},
               {"timeline", timeline}, {"faults", faults},
               {"gauges", gauges},     {"distribution", distribution}};
  if (baseline) data["baseline"] = baseline_data(run, *baseline);
  return data;
}

// "not measured" → "not-measured": a CSS class.
std::string verdict_class(ClaimVerdict::Status status) {
  std::string name = status_name(status);
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

void claims_table(const RunResult& run, std::string& html) {
  html += "<h2>Claims</h2>\n";
  if (run.claims.empty()) {
    html +=
        "<p class=\"sub\">No claims were judged (loadgate run --claims FILE, or loadgate "
        "report RUN_DIR --claims FILE).</p>\n";
    return;
  }
  html +=
      "<table id=\"claims\"><tr><th>verdict</th><th>claim</th><th>metric</th><th>expected"
      "</th><th>measured</th><th>evidence</th></tr>\n";
  for (const auto& c : run.claims)
    html += fmt::format(
        "<tr><td><span class=\"verdict {}\">{}</span></td><td><b>{}</b><br><span "
        "class=\"quote\">{}: “{}”</span></td><td>{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td>{}</td></tr>\n",
        verdict_class(c.status), status_name(c.status), markup_escape(c.id),
        markup_escape(c.source_doc), markup_escape(c.source_quote), markup_escape(c.metric),
        markup_escape(c.expect), markup_escape(c.measured.empty() ? "-" : c.measured),
        markup_escape(c.detail));
  html += "</table>\n";
}

void workloads_table(const RunResult& run, std::string& html) {
  html +=
      "<h2>Workloads</h2>\n<table id=\"workloads\"><tr><th>workload</th><th>offered</th>"
      "<th>achieved</th><th>requests</th><th>ok</th><th>errors</th><th>dropped</th>"
      "<th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>\n";
  for (const auto& w : run.workloads) {
    const Histogram& h = w.latency;
    html += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}/s</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        markup_escape(w.name),
        w.scheduled ? fmt::format("{:.1f}/s", w.offered_rate) : fmt::format("{} VUs", w.peak_vus),
        rate_over(w, run.measured_duration()), w.attempts(), w.ok + w.expected_failures,
        w.error_count(), w.dropped, ms(h.value_at_percentile(50)), ms(h.value_at_percentile(95)),
        ms(h.value_at_percentile(99)), ms(h.max()));
  }
  html += "</table>\n";
}

void faults_table(const RunResult& run, std::string& html) {
  if (run.faults.empty()) return;
  html +=
      "<h2>Faults</h2>\n<table id=\"faults\"><tr><th>fault</th><th>window</th>"
      "<th>workload</th><th>first error</th><th>downtime</th><th>recovered</th></tr>\n";
  auto offset = [](const std::optional<Duration>& d) {
    return d ? fmt::format("{:.2f} s", seconds(*d)) : std::string("-");
  };
  for (const auto& f : run.faults) {
    const std::string window =
        fmt::format("{:.1f}–{:.1f} s", seconds(f.started_at), seconds(f.recovered_at));
    if (!f.error.empty())
      html +=
          fmt::format("<tr><td>{}</td><td>{}</td><td colspan=\"4\" class=\"warn\">{}</td></tr>\n",
                      markup_escape(f.description), window, markup_escape(f.error));
    for (const auto& i : f.impacts)
      html += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td "
          "class=\"num\">{:.2f} s</td><td class=\"num\">{}</td></tr>\n",
          markup_escape(f.description), window, markup_escape(i.workload), offset(i.first_error),
          seconds(i.downtime), i.recovered ? offset(i.recovered) : "NOT RECOVERED");
  }
  html += "</table>\n";
}

}  // namespace

std::string html_report(const RunResult& run, const GateSamples* baseline) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>loadgate: {}</title>\n<style>\n{}</style></head>\n<body>\n"
      "<h1>loadgate: {}</h1>\n<p class=\"sub\">started {:%Y-%m-%d %H:%M:%S} UTC, ran {} of {}{}"
      " against {}</p>\n<p id=\"script-errors\"></p>\n",
      markup_escape(run.scenario), kReportCss, markup_escape(run.scenario),
      std::chrono::floor<std::chrono::seconds>(run.started_at), format_duration(run.elapsed),
      format_duration(run.planned_duration), run.interrupted ? " (INTERRUPTED)" : "",
      markup_escape(fmt::format("{}", fmt::join(run.targets, ", "))));
  if (run.generator.generator_bound)
    html +=
        "<p class=\"warn\">GENERATOR-BOUND: the load generator could not keep its schedule; "
        "the numbers describe loadgate, not the target.</p>\n";
  for (const auto& l : run.ledgers)
    if (l.lost > 0)
      html += fmt::format("<p class=\"warn\">{} acknowledged writes of {} were LOST.</p>\n", l.lost,
                          markup_escape(l.workload));
  if (!run.claims.empty()) {
    size_t counts[3] = {0, 0, 0};
    for (const auto& c : run.claims) ++counts[static_cast<int>(c.status)];
    html += fmt::format(
        "<p id=\"verdicts\"><a href=\"#claims\">Claims</a>: <span class=\"verdict held\">{} "
        "held</span> <span class=\"verdict broken\">{} broken</span> <span class=\"verdict "
        "not-measured\">{} not measured</span></p>\n",
        counts[0], counts[1], counts[2]);
  }
  workloads_table(run, html);
  html +=
      "<h2>Over time</h2>\n" +
      std::string(baseline ? fmt::format("<p class=\"sub\" id=\"baseline\">Grey, dashed: the "
                                         "baseline's ({} runs, the median at each interval).</p>\n",
                                         baseline->runs)
                           : "") +
      "<div class=\"charts\">\n"
      "<div class=\"chart\" id=\"chart-throughput\"><h3>Throughput</h3></div>\n"
      "<div class=\"chart\" id=\"chart-latency\"><h3>Latency (from intended start)</h3></div>\n"
      "<div class=\"chart\" id=\"chart-errors\"><h3>Errors</h3></div>\n"
      "<div class=\"chart\" id=\"chart-connections\"><h3>Deployment connections</h3></div>\n"
      "<div class=\"chart\" id=\"chart-waits\"><h3>Replica lag and pool waits</h3></div>\n"
      "<div class=\"chart\" id=\"chart-cpu\"><h3>CPU by process role</h3></div>\n"
      "<div class=\"chart\" id=\"chart-distribution\"><h3>Latency distribution</h3></div>\n"
      "</div>\n";
  faults_table(run, html);
  claims_table(run, html);
  // "</" inside the data must not end the script element.
  std::string data = chart_data(run, baseline).dump();
  for (size_t at = 0; (at = data.find("</", at)) != std::string::npos; at += 3)
    data.replace(at, 2, "<\\/");
  html += fmt::format(
      "<script type=\"application/json\" id=\"run-data\">{}</script>\n<script>\n{}</script>\n"
      "</body></html>\n",
      data, kReportJs);
  return html;
}

}  // namespace loadgate
