// report.html: one self-contained page (no network access needed) with the claims and their
// verdicts, each workload's numbers, and charts drawn in the browser from data embedded in the
// page: throughput, latency and errors over time with fault windows shaded and labelled, the
// deployment's observed gauges, and each workload's latency percentile distribution.
//
// The page's script and style are reports/html/report.{js,css}, compiled in.
#pragma once

#include <string>

#include "harness/results.h"

namespace loadgate {

std::string html_report(const RunResult& run);

}  // namespace loadgate
