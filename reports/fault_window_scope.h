// Claims scoped to fault windows: `window: during failover` (from each injection to its
// recovery), `after failover` (to the next fault or the run's end, from when every workload was
// back for good as measured, never before the fault's recover step returned; or, with `settle:
// 30s`, from the recover step + 30 s), `before failover` (from the previous fault's recovery, or
// the start, to the injection). A window whose workloads never came back breaks every claim
// after it. All windows of
// the kind count together; the fold adds their intervals up (reports/run_fold.h), so every
// workload metric there is exact at the timeline's resolution (client.interval): a window's p99
// is that of its requests. An observed gauge is its highest sample in the windows.
#pragma once

#include <optional>
#include <string_view>

#include "harness/results.h"

namespace loadgate {

// "during failover", and a settle time for an "after" scope: throws std::invalid_argument saying
// what is expected otherwise.
FaultWindowScope parse_window_scope(std::string_view text,
                                    std::optional<Duration> settle = std::nullopt);

}  // namespace loadgate
