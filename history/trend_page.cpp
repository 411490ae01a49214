#include "history/trend_page.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/markup_escape.h"

namespace loadgate {
namespace {

// The figures worth a chart, in reading order: latency and errors first, then faults, writes and
// leaks. Request counts follow the scenario's rate and say nothing a night to night.
int figure_rank(const std::string& figure) {
  auto ends = [&](std::string_view suffix) { return figure.ends_with(suffix); };
  if (ends(".requests") || figure == "generator.bound") return -1;
  if (ends(".latency.p50")) return 0;
  if (ends(".latency.p99")) return 1;
  if (ends(".errors.rate")) return 2;
  if (ends(".throughput")) return 3;
  if (figure.starts_with("fault.")) return 4;
  if (figure == "ledger.lost") return 5;
  if (ends(".slope")) return 6;
  return 7;
}

std::vector<std::string> charted_figures(const std::vector<HistoryEntry>& nights) {
  std::set<std::string> names;
  for (const auto& night : nights)
    for (const auto& [name, value] : night.figures) names.insert(name);
  std::vector<std::string> figures;
  for (const auto& name : names)
    if (figure_rank(name) >= 0) figures.push_back(name);
  std::stable_sort(figures.begin(), figures.end(),
                   [](const auto& a, const auto& b) { return figure_rank(a) < figure_rank(b); });
  return figures;
}

std::vector<std::optional<double>> series_of(const std::vector<HistoryEntry>& nights,
                                             const std::string& figure) {
  std::vector<std::optional<double>> values;
  for (const auto& night : nights) {
    const auto it = night.figures.find(figure);
    values.push_back(it == night.figures.end() ? std::nullopt : std::optional(it->second));
  }
  return values;
}

std::string night_name(const HistoryEntry& night) {
  const std::string labels = night.label_text();
  return labels.empty() ? fmt::format("#{}", night.id) : fmt::format("#{} ({})", night.id, labels);
}

// A line of the nights' values, the flagged ones red; each point names its night and value.
std::string chart_svg(const std::vector<HistoryEntry>& nights, const std::string& figure,
                      const std::vector<Change>& changes) {
  constexpr double kWidth = 560, kHeight = 150, kLeft = 70, kRight = 16, kTop = 14, kBottom = 26;
  const auto values = series_of(nights, figure);
  const Quantity quantity = figure_quantity(figure);
  double top = 0, bottom = 0;
  for (const auto& v : values)
    if (v) top = std::max(top, *v), bottom = std::min(bottom, *v);
  if (top == bottom) top = bottom + change_floor(figure);  // a flat line: its floor for scale
  const double span = top - bottom;
  top += span * 0.1;
  auto x = [&](size_t i) {
    return nights.size() < 2 ? kLeft + (kWidth - kLeft - kRight) / 2
                             : kLeft + (kWidth - kLeft - kRight) * static_cast<double>(i) /
                                           static_cast<double>(nights.size() - 1);
  };
  auto y = [&](double v) { return kTop + (kHeight - kTop - kBottom) * (top - v) / (top - bottom); };
  std::string svg = fmt::format(
      R"(<svg viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}">)"
      R"(<line x1="{3}" y1="{4}" x2="{5}" y2="{4}" class="axis"/>)"
      R"(<text x="{6}" y="{7}" class="tick">{8}</text><text x="{6}" y="{9}" class="tick">{10}</text>)",
      kWidth, kHeight, markup_escape(figure), kLeft, y(std::max(bottom, 0.0)), kWidth - kRight,
      kLeft - 6, y(top) + 4, markup_escape(format_value(top, quantity)), y(bottom) + 4,
      markup_escape(format_value(bottom, quantity)));
  std::string path;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      path += " ";  // a night without the figure breaks the line
      continue;
    }
    path += fmt::format("{}{:.1f},{:.1f}", path.empty() || path.back() == ' ' ? "M" : " L", x(i),
                        y(*values[i]));
  }
  svg += fmt::format(R"(<path d="{}" class="line"/>)", path);
  for (size_t i = 0; i < values.size(); ++i) {
    svg += fmt::format(R"(<text x="{:.1f}" y="{}" class="tick middle">#{}</text>)", x(i),
                       kHeight - 8, nights[i].id);
    if (!values[i]) continue;
    const bool changed =
        std::any_of(changes.begin(), changes.end(), [&](const Change& c) { return c.night == i; });
    svg += fmt::format(
        R"(<circle cx="{:.1f}" cy="{:.1f}" r="{}" class="{}"><title>{}: {}</title></circle>)", x(i),
        y(*values[i]), changed ? 6 : 3.5, changed ? "changed" : "point",
        markup_escape(night_name(nights[i])), markup_escape(format_value(*values[i], quantity)));
  }
  return svg + "</svg>";
}

const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d232a;max-width:1240px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#5b6670}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #d5dbe0;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f2f4f6}.held,.passed{background:#e3f4e6}.broken,.failed{background:#fbe1e1}
.not-measured,.interrupted,.could-not-run{background:#f6f0d9}
.changes li{margin:4px 0}.changes .figure{font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(570px,1fr));gap:14px}
figure{margin:0;border:1px solid #d5dbe0;border-radius:6px;padding:6px 8px}
figcaption{font-weight:600;margin-bottom:2px}figure.flagged{border-color:#c62828}
.axis{stroke:#9aa5ae}.line{fill:none;stroke:#1565c0;stroke-width:2}
.point{fill:#1565c0}.changed{fill:#c62828}.tick{font-size:11px;fill:#5b6670;text-anchor:end}
.tick.middle{text-anchor:middle}
)";

std::string css_class(const std::string& verdict) {
  std::string c = verdict;
  std::replace(c.begin(), c.end(), ' ', '-');
  return c;
}

}  // namespace

std::vector<FlaggedChange> flagged_changes(const std::vector<HistoryEntry>& nights,
                                           const ChangeRule& rule) {
  std::vector<std::string> groups;
  for (const auto& night : nights) groups.push_back(night.scenario_hash);
  std::vector<FlaggedChange> flagged;
  for (const auto& figure : charted_figures(nights))
    for (const auto& change :
         change_points(series_of(nights, figure), groups, change_floor(figure), rule))
      flagged.push_back({figure, change});
  std::stable_sort(flagged.begin(), flagged.end(),
                   [](const auto& a, const auto& b) { return a.change.night < b.change.night; });
  return flagged;
}

std::string change_line(const std::vector<HistoryEntry>& nights, const FlaggedChange& flagged) {
  const Change& c = flagged.change;
  const Quantity q = figure_quantity(flagged.figure);
  const std::string effect =
      c.baseline != 0
          ? fmt::format(" ({:+.0f}%)", 100 * (c.value - c.baseline) / std::abs(c.baseline))
          : "";
  return fmt::format("night {} {} {} against {}, the median of {} night(s) before{}",
                     night_name(nights[c.night]), flagged.figure, format_value(c.value, q),
                     format_value(c.baseline, q), c.compared_with, effect);
}

std::string trend_page(const std::string& scenario, const std::vector<HistoryEntry>& nights,
                       const ChangeRule& rule) {
  const auto flagged = flagged_changes(nights, rule);
  std::string html = fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadgate trend: "
      "{0}</title><style>{1}</style></head><body><h1>{0}: {2} night(s)</h1>"
      "<p class=\"muted\">A night is flagged when a figure moved beyond {3} robust deviations of "
      "the median of up to {4} nights before it (same scenario hash, not flagged themselves; at "
      "least {5}) and by at least {6:.0f}% of it and the figure's floor (2 ms of p50, 5 ms of p99, "
      "half a "
      "point of error rate, 1 s of downtime, one write, 1 MiB/h of RSS slope).</p>",
      markup_escape(scenario), kStyle, nights.size(), rule.z, rule.lookback, rule.min_nights,
      100 * rule.min_effect);
  html += "<h2>Changes</h2>";
  if (flagged.empty()) {
    html += "<p class=\"changes\">No night changed beyond the rule.</p>";
  } else {
    html += "<ul class=\"changes\">";
    for (const auto& f : flagged) html += "<li>" + markup_escape(change_line(nights, f)) + "</li>";
    html += "</ul>";
  }

  html +=
      "<h2>Nights</h2><table><tr><th>night</th><th>recorded</th><th>command</th>"
      "<th>labels</th><th>scenario hash</th><th>verdict</th><th>windows held</th>"
      "<th>loadgate the limit</th><th>results</th></tr>";
  for (const auto& n : nights) {
    const auto held = std::count_if(n.windows.begin(), n.windows.end(),
                                    [](const HistoryWindow& w) { return w.verdict == "held"; });
    const auto bound = n.figures.find("generator.bound");
    html += fmt::format(
        "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        n.id, markup_escape(n.recorded_at), markup_escape(n.command), markup_escape(n.label_text()),
        markup_escape(n.scenario_hash), css_class(n.verdict), markup_escape(n.verdict),
        n.windows.empty() ? std::string("–") : fmt::format("{}/{}", held, n.windows.size()),
        bound != n.figures.end() && bound->second > 0 ? "yes" : "no", markup_escape(n.result_dir));
  }
  html += "</table><h2>Figures</h2><div class=\"charts\">";
  for (const auto& figure : charted_figures(nights)) {
    std::vector<Change> changes;
    for (const auto& f : flagged)
      if (f.figure == figure) changes.push_back(f.change);
    html += fmt::format("<figure class=\"{}\"><figcaption>{}</figcaption>{}</figure>",
                        changes.empty() ? "" : "flagged", markup_escape(figure),
                        chart_svg(nights, figure, changes));
  }
  html += "</div><h2>Claims</h2>";
  std::vector<std::string> claim_ids;
  for (const auto& n : nights)
    for (const auto& c : n.claims)
      if (std::find(claim_ids.begin(), claim_ids.end(), c.id) == claim_ids.end())
        claim_ids.push_back(c.id);
  if (claim_ids.empty()) {
    html += "<p class=\"muted\">No claims were judged.</p>";
  } else {
    html += "<table><tr><th>claim</th>";
    for (const auto& n : nights) html += fmt::format("<th>#{}</th>", n.id);
    html += "</tr>";
    for (const auto& id : claim_ids) {
      html += "<tr><td>" + markup_escape(id) + "</td>";
      for (const auto& n : nights) {
        const auto c = std::find_if(n.claims.begin(), n.claims.end(),
                                    [&](const HistoryClaim& h) { return h.id == id; });
        html += c == n.claims.end()
                    ? std::string("<td></td>")
                    : fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", css_class(c->verdict),
                                  markup_escape(c->measured), markup_escape(c->verdict));
      }
      html += "</tr>";
    }
    html += "</table>";
  }
  return html + "</body></html>\n";
}

}  // namespace loadgate
