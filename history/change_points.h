// Which nights changed. Each night's figure is set against the median of the nights before it
// (at most `lookback` of them, of the same scenario hash, and not themselves flagged) and flagged
// only when the difference is beyond both `z` robust deviations of those nights (1.4826 × their
// median absolute deviation) and the minimum effect (a share of the median, and an absolute
// floor for the figure's kind: 2 ms of median latency, 5 ms of a tail's, half a point of error
// rate). So one noisy night
// among steady ones does not raise an alarm, nor does a drift too small to matter, and a flagged
// night does not become the norm the next is judged by.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/expectation.h"

namespace loadgate {

struct ChangeRule {
  size_t min_nights = 2;  // fewer before it: the night is not judged
  size_t lookback = 7;
  double z = 3.5;
  double min_effect = 0.25;  // of the median
};

struct Change {
  size_t night = 0;  // index into the series
  double value = 0, baseline = 0;
  size_t compared_with = 0;  // nights in the baseline
};

// `values[i]` is night i's figure (empty: not measured that night); `groups[i]` its scenario
// hash (nights are compared only within one); `floor` the smallest difference that matters.
std::vector<Change> change_points(const std::vector<std::optional<double>>& values,
                                  const std::vector<std::string>& groups, double floor,
                                  const ChangeRule& rule = {});

// The smallest difference that matters for a figure, by its name (reports/claim_metrics.h).
double change_floor(std::string_view figure);
// What a figure is, by its name: a duration, a share, bytes per hour, ...
Quantity figure_quantity(std::string_view figure);

}  // namespace loadgate
