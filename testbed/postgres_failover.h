// The steps of a Multi-AZ failover on the testbed's Postgres pair, for the failover and wake
// fault drivers (faults/). Each step updates the state file, so `status`, `down` and the health
// check always name the node that is really the primary now.
#pragma once

#include <string>

#include "testbed/testbed_state.h"

namespace loadgate::testbed {

// The running primary and standby records, or a std::runtime_error saying which is missing.
const ProcessRecord& primary_of(const TestbedState& state);
const ProcessRecord& standby_of(const TestbedState& state);

// Stops (SIGSTOP) or resumes (SIGCONT) a Postgres server and every backend of it: a hung host.
void freeze_postgres(const ProcessRecord& node);
void thaw_postgres(const ProcessRecord& node);
// Kills a server and its backends at once (SIGKILL), frozen or not: the host is gone.
void kill_postgres(const ProcessRecord& node);
// Stops a server the way `pg_ctl stop -m fast` does (SIGINT) and waits until it is gone.
void stop_postgres(const ProcessRecord& node);
// Starts the node named `name` again from its data directory and records its new pid.
ProcessRecord restart_postgres(TestbedState& state, const std::string& name);

// Promotes the standby (pg_promote), makes it run without a synchronous standby until one is
// rebuilt (as RDS does after a failover), and swaps the names in the state: the promoted node is
// "postgres-primary" from now on, the old primary "postgres-standby".
ProcessRecord promote_standby(TestbedState& state);

// After a promotion that was asked for but not seen through (promote_standby threw, or the run
// that asked died): waits up to `wait` for the standby to leave recovery and then finishes what
// promote_standby does. False when it is still a standby (or not running): the promotion did not
// happen.
bool adopt_promotion(TestbedState& state, std::chrono::seconds wait = std::chrono::seconds(60));

enum class RebuildMethod { rewind, base_backup };
// Makes the (stopped) "postgres-standby" a streaming standby of the primary again: pg_rewind of
// its data directory, or a fresh base backup when asked to or when pg_rewind fails. Starts it and
// waits until it streams (synchronously when the testbed is synchronous). Returns the method used.
RebuildMethod rebuild_standby(TestbedState& state, RebuildMethod method);

}  // namespace loadgate::testbed
