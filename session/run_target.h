// Where a run's load goes: the scenario's `target:` resolved to service URLs, the databases and
// secrets a workload may need, what the fault drivers need, and what is known of the
// deployment (for per-instance and model claims). A testbed target fills all of it in from its
// state file; a real deployment is what the scenario says.
#pragma once

#include <vector>

#include "faults/fault_factory.h"
#include "harness/http_types.h"
#include "harness/results.h"
#include "harness/scenario.h"
#include "workloads/workload_context.h"

namespace loadgate {

struct ResolvedTarget {
  std::vector<Endpoint> endpoints;
  WorkloadContext context;
  FaultContext faults;
  Deployment deployment;
};

// Throws std::runtime_error naming a testbed directory with no testbed in it.
ResolvedTarget resolve_target(const TargetSpec& target);

}  // namespace loadgate
