// Builds the workload a scenario names by its `kind`.
#pragma once

#include <memory>

#include "harness/scenario.h"
#include "harness/workload.h"
#include "workloads/workload_context.h"

namespace loadgate {

// Throws ConfigError (located at the workload's `kind`) for a kind that does not exist.
std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, const WorkloadContext& context);

}  // namespace loadgate
