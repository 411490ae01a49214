#include "reports/chart_series.h"

#include <algorithm>

namespace loadgate {

ChartSeriesBuilder::ChartSeriesBuilder(Duration planned, Duration interval)
    : intervals_per_point_(std::max<size_t>(
          1, static_cast<size_t>(planned / std::max(interval, Duration(1))) / kChartPoints + 1)),
      sample_stretch_(planned / kChartPoints) {}

void ChartSeriesBuilder::add(const IntervalRecord& interval) {
  if (latency_.size() < interval.workloads.size()) latency_.resize(interval.workloads.size());
  point_.workloads.resize(interval.workloads.size());
  point_.end = interval.end;
  point_.length += interval.length;
  for (size_t w = 0; w < interval.workloads.size(); ++w) {
    const WorkloadInterval& i = interval.workloads[w];
    point_.workloads[w].successes += i.ok + i.expected_failures;
    point_.workloads[w].errors += i.error_count();
    latency_[w].merge(i.latency);
  }
  if (++pending_ == intervals_per_point_) close_point();
}

void ChartSeriesBuilder::close_point() {
  for (size_t w = 0; w < point_.workloads.size(); ++w) {
    point_.workloads[w].p50_us = latency_[w].value_at_percentile(50);
    point_.workloads[w].p99_us = latency_[w].value_at_percentile(99);
    latency_[w].reset();
  }
  charts_.timeline.push_back(std::move(point_));
  point_ = ChartPoint{};
  pending_ = 0;
}

void ChartSeriesBuilder::add(const ObservedSample& sample) {
  for (const auto& [gauge, value] : sample.gauges) {
    auto& series = charts_.gauges[gauge];
    // Within the stretch of the last point: one point, at the highest value.
    if (!series.empty() && sample_stretch_ > Duration::zero() &&
        sample.at / sample_stretch_ == series.back().first / sample_stretch_) {
      if (value > series.back().second) series.back() = {sample.at, value};
      continue;
    }
    series.emplace_back(sample.at, value);
  }
}

Charts ChartSeriesBuilder::finish() {
  if (pending_ > 0) close_point();
  return std::move(charts_);
}

}  // namespace loadgate
