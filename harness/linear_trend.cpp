#include "harness/linear_trend.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace loadgate {
namespace {

// Student's t at 97.5 % for 1..30 degrees of freedom; beyond, the normal's 1.96 is within 2 %.
double t_975(size_t degrees) {
  static constexpr std::array<double, 30> kTable = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return degrees >= 1 && degrees <= kTable.size() ? kTable[degrees - 1] : 1.96;
}

}  // namespace

void LinearTrend::add(double x, double y) {
  ++n_;
  const double n = static_cast<double>(n_);
  const double dx = x - mean_x_, dy = y - mean_y_;
  mean_x_ += dx / n;
  mean_y_ += dy / n;
  // Welford: the old deviation times the new one.
  sxx_ += dx * (x - mean_x_);
  sxy_ += dx * (y - mean_y_);
  syy_ += dy * (y - mean_y_);
}

void LinearTrend::merge(const LinearTrend& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double a = static_cast<double>(n_), b = static_cast<double>(other.n_), n = a + b;
  const double dx = other.mean_x_ - mean_x_, dy = other.mean_y_ - mean_y_;
  sxx_ += other.sxx_ + dx * dx * a * b / n;
  sxy_ += other.sxy_ + dx * dy * a * b / n;
  syy_ += other.syy_ + dy * dy * a * b / n;
  mean_x_ += dx * b / n;
  mean_y_ += dy * b / n;
  n_ += other.n_;
}

std::optional<double> LinearTrend::slope() const {
  if (n_ < 3 || sxx_ <= 0) return std::nullopt;
  return sxy_ / sxx_;
}

std::optional<double> LinearTrend::slope_margin() const {
  const auto b = slope();
  if (!b) return std::nullopt;
  // The residuals' variance, from the moments: what the line leaves unexplained.
  const double residual = std::max(0.0, syy_ - *b * sxy_) / static_cast<double>(n_ - 2);
  return t_975(n_ - 2) * std::sqrt(residual / sxx_);
}

}  // namespace loadgate
