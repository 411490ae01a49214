// Which layer a fault's downtime came from, read from the steady-state probes (observe/probes.h):
// each probed layer's outage in the fault's window, and a sentence that puts them in order from
// the database up to the workloads and names the largest wait between one layer's return and
// the next's, with its likely cause when the probes know it:
//
//   database writable again at +5.00s, pool back at +15.00s, service back at +15.25s, workloads
//   back at +16.00s: 10.00s of the downtime came after database was back, until pool was;
//   pgbouncer's server_login_retry (15s) is the likely cause (after a failed server login it
//   waits that long before it tries again, and its clients fail meanwhile)
#pragma once

#include <string>
#include <vector>

#include "harness/results.h"

namespace loadgate {

// Each probe's outage in [start, end) (offsets from the run's start), in the probes' order,
// from the changes of the whole run (a probe down when the window starts is down at 0).
std::vector<LayerOutage> layer_outages(const std::vector<ProbeChange>& changes,
                                       const std::vector<ProbeInfo>& probes, Duration start,
                                       Duration end);

// The sentence above for one fault; empty when no probed layer went down.
std::string attribute_downtime(const FaultEvent& event, const std::vector<ProbeInfo>& probes);

}  // namespace loadgate
