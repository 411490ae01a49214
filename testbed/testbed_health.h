// Is the testbed whole? Every process up and listening, the primary writable, the standby in
// recovery and replicating from it. Faults end with this check: a run that broke the deployment
// and could not put it back must say so.
#pragma once

#include <string>
#include <vector>

#include "testbed/testbed_state.h"

namespace loadgate::testbed {

// One line per problem ("pgbouncer-1 is down", "no standby replicates from postgres-primary");
// empty when healthy.
std::vector<std::string> health_problems(const TestbedState& state);

}  // namespace loadgate::testbed
