// Claims scoped to fault windows, from the timeline: `window: during failover` (from each
// injection to its recovery), `after failover` (from the recovery to the next fault or the run's
// end), `before failover` (from the previous fault's recovery, or the start, to the injection).
// All windows of the kind count together. In a window a workload's throughput, errors.rate,
// requests and concurrency are exact at the timeline's resolution (client.interval); a latency
// percentile is the worst interval's, an upper bound of the window's own; an observed gauge is
// its highest sample in the window.
#pragma once

#include <string>
#include <string_view>

#include "harness/results.h"
#include "reports/claim_metrics.h"

namespace loadgate {

struct FaultWindowScope {
  enum class Part { before, during, after };
  Part part = Part::during;
  std::string kind;  // failover, wake, ...
  std::string text;  // as written
};

// "during failover": throws std::invalid_argument saying what is expected otherwise.
FaultWindowScope parse_window_scope(std::string_view text);

Measurement measure_in_window(std::string_view metric, const RunResult& run,
                              const FaultWindowScope& scope);

}  // namespace loadgate
