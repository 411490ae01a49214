// A histogram as every JSON output writes it (values in µs), and read back.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/histogram.h"

namespace loadgate {

// {count, min, mean, p50, p90, p95, p99, p99_9, max, out_of_range, hdr}: hdr holds every bucket
// in HdrHistogram's compressed encoding (reports/hdr_encoding.h), so percentiles not written
// out can be computed later, here or by HdrHistogram's own tools.
nlohmann::json histogram_json(const Histogram& h);
// The histogram again, exactly as recorded. Throws std::invalid_argument saying what is wrong.
Histogram histogram_from_json(const nlohmann::json& j);

}  // namespace loadgate
