// The percentile summary of a histogram as every JSON output writes it (values in µs).
#pragma once

#include <nlohmann/json.hpp>

#include "harness/histogram.h"

namespace loadgate {

// {count, min, mean, p50, p90, p95, p99, p99_9, max, out_of_range}
nlohmann::json histogram_json(const Histogram& h);
// {p50, p90, p95, p99, p99_9, max}: the compact form for timeline lines.
nlohmann::json percentiles_json(const Histogram& h);

}  // namespace loadgate
