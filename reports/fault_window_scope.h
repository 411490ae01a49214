// Claims scoped to fault windows: `window: during failover` (from each injection to its
// recovery), `after failover` (from the recovery to the next fault or the run's end), `before
// failover` (from the previous fault's recovery, or the start, to the injection). All windows of
// the kind count together; the fold adds their intervals up (reports/run_fold.h), so every
// workload metric there is exact at the timeline's resolution (client.interval): a window's p99
// is that of its requests. An observed gauge is its highest sample in the windows.
#pragma once

#include <string_view>

#include "harness/results.h"

namespace loadgate {

// "during failover": throws std::invalid_argument saying what is expected otherwise.
FaultWindowScope parse_window_scope(std::string_view text);

}  // namespace loadgate
