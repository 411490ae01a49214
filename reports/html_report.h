// report.html: one self-contained page (no network access needed) with the claims and their
// verdicts, each workload's numbers, and charts drawn in the browser from data embedded in the
// page: throughput, latency and errors over time with fault windows shaded and labelled, the
// deployment's observed gauges, and each workload's latency percentile distribution; with the
// release gate's baseline, the baseline's figures dashed beside the run's.
//
// The page's script and style are reports/html/report.{js,css}, compiled in.
#pragma once

#include <string>

#include "harness/results.h"

namespace loadgate {

struct GateSamples;

// With a `baseline` (the release gate's), its per-interval throughput, p50 and p99 are drawn over
// the run's own: the median of the baseline's runs at each interval of the recorded phases.
std::string html_report(const RunResult& run, const GateSamples* baseline = nullptr);

}  // namespace loadgate
