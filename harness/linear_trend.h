// A least-squares line through (x, y) points, kept as running moments so that it costs the same
// memory after a week as after a minute and two stretches' lines merge exactly: how a soak
// measures a leak (a process's RSS against time) or a slow degradation (each window's p99).
//
// The 95 % confidence interval of the slope is the textbook one, which assumes independent
// residuals. Samples a second apart are not (RSS moves in steps), so the interval is narrower
// than the truth; the soak's windows, minutes apart, are closer to the assumption.
#pragma once

#include <cstddef>
#include <optional>

namespace loadgate {

class LinearTrend {
 public:
  void add(double x, double y);
  // Another stretch's points, as if added here (Chan et al.'s pairwise update).
  void merge(const LinearTrend& other);

  size_t points() const { return n_; }
  // Empty below 3 points or when every x is the same: no line, or no spread around it.
  std::optional<double> slope() const;
  // Half the width of the slope's 95 % confidence interval (Student's t).
  std::optional<double> slope_margin() const;

 private:
  size_t n_ = 0;
  double mean_x_ = 0, mean_y_ = 0;
  double sxx_ = 0, sxy_ = 0, syy_ = 0;  // co-moments about the means
};

}  // namespace loadgate
