// The charts' data (RunResult::charts) built as the fold passes: at most about kChartPoints
// points a series however long the run. Consecutive intervals are merged (their percentiles
// from the summed histograms, so a merged point is exact, not an average of percentiles);
// observer samples keep the highest of each stretch, so a spike is never smoothed away.
#pragma once

#include <cstddef>
#include <vector>

#include "harness/interval_record.h"
#include "harness/results.h"

namespace loadgate {

inline constexpr size_t kChartPoints = 1000;

class ChartSeriesBuilder {
 public:
  ChartSeriesBuilder(Duration planned, Duration interval);
  void add(const IntervalRecord& interval);
  void add(const ObservedSample& sample);
  Charts finish();

 private:
  void close_point();

  size_t intervals_per_point_;
  Duration sample_stretch_;  // observer samples within one stretch become one point
  Charts charts_;
  size_t pending_ = 0;  // intervals in the point being built
  ChartPoint point_;
  std::vector<Histogram> latency_;  // the point's, by workload
};

}  // namespace loadgate
