// Fault kind × driver: the kind says what happens and keys the claims, the driver says how; a
// driver that cannot do the kind, or a kind nobody can inject, is refused at its line.
#include <catch2/catch.hpp>

#include <csignal>

#include "faults/fault_factory.h"
#include "faults/pgbouncer_restart.h"
#include "harness/scenario.h"
#include "tests/support/test_harness.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Contains;

namespace {

std::unique_ptr<Fault> fault_of(const std::string& fault) {
  return make_fault(with_fault(fault).faults.at(0), FaultContext{});
}

constexpr const char* kCommands = "    name: flip\n    inject: 'true'\n    check: 'true'\n";

}  // namespace

TEST_CASE("a fault's kind is what happened, its driver how: a failover by command is a failover") {
  auto failover =
      fault_of(std::string("  - kind: failover\n    driver: command\n    at: 10s\n") + kCommands);
  CHECK(failover->driver() == "command");
  CHECK(failover->describe() == "failover by command flip");
  // A kind of the user's, for claims such as fault.cache-flush.downtime.
  auto own = fault_of(std::string("  - kind: cache-flush\n    driver: command\n    at: 10s\n") +
                      kCommands);
  CHECK(own->driver() == "command");
  // The kind `command` alone keeps meaning what it always did.
  auto legacy = fault_of(std::string("  - kind: command\n    at: 10s\n") + kCommands);
  CHECK(legacy->describe() == "command flip");
  // Defaults: a console mode gets the console, a toxic the proxy.
  CHECK(fault_of("  - {kind: pgbouncer-restart, at: 10s, mode: pause, admin_dsn: 'host=127.0.0.1 "
                 "port=9 user=pgbouncer dbname=pgbouncer', password_env: HOME, database: app}\n")
            ->driver() == "pgbouncer-console");
  CHECK(fault_of("  - {kind: network, at: 10s, toxic: latency, latency: 10ms, control: "
                 "'127.0.0.1:9', recover_after: 5s}\n")
            ->driver() == "proxy");
}

TEST_CASE("a driver that cannot do the kind, or a kind nobody can inject, is refused at its line") {
  CHECK_THROWS_WITH(
      fault_of("  - {kind: failover, at: 10s}\n"),
      Contains("f.yaml:7:") && Contains("failover with driver testbed") &&
          Contains("use driver: aws-aurora-failover or aws-rds-failover or command or "
                   "kubectl or patroni-failover or patroni-switchover ("));
  CHECK_THROWS_WITH(fault_of("  - {kind: cache-flush, at: 10s}\n"),
                    Contains("f.yaml:7:") && Contains("'cache-flush' is not a kind") &&
                        Contains("needs `driver: command`") &&
                        Contains("restarts a service: aws-ecs-stop-task, kubectl"));
  CHECK_THROWS_WITH(
      fault_of("  - {kind: failover, driver: proxy, at: 10s}\n"),
      Contains("f.yaml:7:") && Contains("driver proxy does network faults, not failover") &&
          Contains("takes driver: aws-aurora-failover or aws-rds-failover or command or "
                   "kubectl or patroni-failover or patroni-switchover or testbed"));
  CHECK_THROWS_WITH(fault_of("  - {kind: failover, driver: lambda, at: 10s}\n"),
                    Contains("unknown fault driver 'lambda' (available: aws-aurora-failover, "));
  CHECK_THROWS_WITH(fault_of("  - {kind: Fail.Over, driver: command, at: 10s}\n"),
                    Contains("one lowercase word") && Contains("'Fail.Over'"));
  CHECK_THROWS_WITH(
      fault_of("  - {kind: pgbouncer-restart, driver: testbed, mode: pause, at: 10s}\n"),
      Contains("driver: pgbouncer-console"));
  CHECK_THROWS_WITH(fault_of("  - {kind: pgbouncer-restart, driver: pgbouncer-console, at: 10s}\n"),
                    Contains("needs driver: testbed"));
  // A driver's own keys are still checked.
  CHECK_THROWS_WITH(fault_of(std::string("  - kind: failover\n    driver: command\n    at: 10s\n"
                                         "    dns_delay: 5s\n") +
                             kCommands),
                    Contains("unknown key 'dns_delay'"));
}

TEST_CASE("pgbouncer's immediate shutdown is SIGTERM until 1.22 and SIGQUIT from 1.23") {
  CHECK(immediate_shutdown_signal("PgBouncer 1.18.0") == SIGTERM);
  CHECK(immediate_shutdown_signal("PgBouncer 1.22.1") == SIGTERM);
  CHECK(immediate_shutdown_signal("PgBouncer 1.23.0") == SIGQUIT);
  CHECK(immediate_shutdown_signal("PgBouncer 1.25.1") == SIGQUIT);
  CHECK(immediate_shutdown_signal("") == SIGTERM);  // unreadable: the older meaning
  // The console's RECONNECT came in 1.15.
  CHECK(pgbouncer_at_least("PgBouncer 1.15.0", 1, 15));
  CHECK(pgbouncer_at_least("PgBouncer 2.0.0", 1, 15));
  CHECK_FALSE(pgbouncer_at_least("PgBouncer 1.14.9", 1, 15));
  CHECK_FALSE(pgbouncer_at_least("pgbouncer", 1, 15));
}
