#include "history/change_points.h"

#include <algorithm>
#include <cmath>

#include "reports/rank_test.h"

namespace loadgate {

std::vector<Change> change_points(const std::vector<std::optional<double>>& values,
                                  const std::vector<std::string>& groups, double floor,
                                  const ChangeRule& rule) {
  std::vector<Change> changes;
  std::vector<bool> flagged(values.size(), false);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    std::vector<double> before;
    for (size_t j = i; j-- > 0 && before.size() < rule.lookback;)
      if (values[j] && !flagged[j] && groups[j] == groups[i]) before.push_back(*values[j]);
    if (before.size() < rule.min_nights) continue;
    const double m = median(before);
    std::vector<double> deviations;
    for (double v : before) deviations.push_back(std::abs(v - m));
    const double spread = 1.4826 * median(deviations);
    const double difference = std::abs(*values[i] - m);
    if (difference > rule.z * spread &&
        difference >= std::max(rule.min_effect * std::abs(m), floor)) {
      flagged[i] = true;
      changes.push_back({i, *values[i], m, before.size()});
    }
  }
  return changes;
}

double change_floor(std::string_view figure) {
  auto ends = [&](std::string_view suffix) { return figure.ends_with(suffix); };
  if (ends(".rss.slope")) return 1024.0 * 1024;  // 1 MiB/h
  if (ends(".errors.rate.slope")) return 0.001;  // 0.1 point an hour
  if (ends(".slope")) return 0.001;              // 1 ms an hour
  if (ends(".errors.rate")) return 0.005;        // half a point
  // A night's tail moves more than its middle: 2 ms at the median, 5 ms above it.
  if (ends(".latency.p50")) return 0.002;
  if (figure.find(".latency.") != std::string_view::npos) return 0.005;
  if (ends(".downtime")) return 1;         // 1 s
  if (ends("bytes_per_hour")) return 1e6;  // 1 MB/h
  return 1;                                // counts and rates: one write, one request a second
}

Quantity figure_quantity(std::string_view figure) {
  auto ends = [&](std::string_view suffix) { return figure.ends_with(suffix); };
  if (ends(".rss.slope") || ends("bytes_per_hour")) return Quantity::bytes_per_hour;
  if (ends(".errors.rate.slope")) return Quantity::share_per_hour;
  if (ends(".slope")) return Quantity::duration_per_hour;
  if (ends(".errors.rate")) return Quantity::share;
  if (figure.find(".latency.") != std::string_view::npos || ends(".downtime"))
    return Quantity::duration;
  if (ends(".throughput")) return Quantity::rate;
  return Quantity::count;
}

}  // namespace loadgate
