// Reconnection verification per client: after a fault's recovery, each workload's clients (the
// sql workload's pool connections) must succeed again. The check watches until every client that
// tried once its pool was back last succeeded (and kMinimumWatch has passed), or until the
// deadline (kClientRecoveryDeadline, the next fault, or the run's end); the clients whose last
// try failed are then named in the fault's report (see recovery_units.h).
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/recovery_units.h"
#include "harness/results.h"

namespace loadgate {

struct TrackedClients {
  std::string workload;
  std::shared_ptr<const RecoveryUnits> units;
};

// How long after a fault's recovery its clients have to come back.
constexpr Duration kClientRecoveryDeadline = std::chrono::seconds(30);
// How long they are watched when the next fault was due before this one recovered (faults run
// one after the other).
constexpr Duration kClientRecoveryMinimumWatch = std::chrono::seconds(5);

// Waits (polling) from `since` until `deadline` at most, or until a stop is requested; see above.
std::vector<ClientRecovery> await_client_recovery(const std::vector<TrackedClients>& clients,
                                                  Clock::time_point since,
                                                  Clock::time_point deadline, std::stop_token stop);

}  // namespace loadgate
