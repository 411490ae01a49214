// The summary printed at the end of a run: one row per workload (and per phase when there are
// several), errors by class, and the generator's self-check.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "harness/results.h"

namespace loadgate {

// `colour`: verdicts and failures in ANSI colour, for a terminal (never into a file or a pipe).
void print_summary(const RunResult& result, std::ostream& out, bool colour = false);
// One line per write ledger: how its writes ended and what the read-back found.
void print_ledger(const LedgerResult& ledger, std::ostream& out);
// One line per workload a fault window touched: first error, downtime, recovery, errors.
void print_impact(const FaultImpact& impact, std::ostream& out);
// Each probed layer's outage in a fault's window, and which layer the downtime came from.
void print_layers(const FaultEvent& fault, const std::vector<ProbeInfo>& probes, std::ostream& out);

// The deployment observer's headline gauges at their highest ("backends 48", "replica lag
// 17.6ms", ...), in a fixed order; empty when nothing was observed.
std::vector<std::string> observed_highlights(const ObservedPeaks& observed);

// Attempts per second over `measured`. The one definition of "achieved rate" every report uses.
double rate_over(const WorkloadResult& workload, Duration measured);

}  // namespace loadgate
