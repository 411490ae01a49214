// The testbed a local fault driver acts on, read afresh at each inject and recover (a failover
// changes which node is the primary; a restart changes pids).
#pragma once

#include <filesystem>

#include "testbed/testbed_state.h"

namespace loadgate {

// Throws FaultError when the directory holds no testbed (any more).
testbed::TestbedState testbed_of_fault(const std::filesystem::path& dir);

}  // namespace loadgate
