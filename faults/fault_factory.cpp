#include "faults/fault_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faults/aurora_wake.h"
#include "faults/command_fault.h"
#include "faults/multi_az_failover.h"
#include "faults/network_toxic.h"
#include "faults/pgbouncer_console.h"
#include "faults/pgbouncer_restart.h"

namespace loadgate {

std::unique_ptr<Fault> make_fault(const FaultSpec& spec, const FaultContext& context) {
  if (spec.kind == "pgbouncer-restart") {
    const std::string mode =
        spec.settings.find("mode") ? spec.settings.at("mode").as_string() : "terminate";
    if (mode == "pause" || mode == "reconnect" || mode == "kill-database")
      return std::make_unique<PgbouncerConsole>(spec, context.testbed_dir);
    if (!context.testbed_dir)
      spec.settings.fail(
          "pgbouncer-restart with a signal (terminate, graceful, kill) drives a local testbed; "
          "against a real deployment use mode: pause, reconnect or kill-database with admin_dsn, "
          "or the command driver");
    return std::make_unique<PgbouncerRestart>(spec, *context.testbed_dir);
  }
  if (spec.kind == "command") return std::make_unique<CommandFault>(spec, context.log_dir);
  if (spec.kind == "network") return std::make_unique<NetworkToxic>(spec, context.testbed_dir);
  if (spec.kind == "failover" || spec.kind == "wake") {
    if (!context.testbed_dir)
      spec.settings.fail(
          fmt::format("{} drives a local testbed; against a real deployment use kind: command (see "
                      "scenarios/faults/aws-*.yaml)",
                      spec.kind));
    if (spec.kind == "failover")
      return std::make_unique<MultiAzFailover>(spec, *context.testbed_dir);
    return std::make_unique<AuroraWake>(spec, *context.testbed_dir);
  }
  spec.settings.at("kind").fail(fmt::format("unknown fault kind '{}' (available: {})", spec.kind,
                                            fmt::join(fault_kinds(), ", ")));
}

std::vector<std::string> fault_timing_names(const std::string& kind) {
  if (kind == "failover") return MultiAzFailover::timing_names();
  if (kind == "wake") return AuroraWake::timing_names();
  return {};
}

const std::vector<std::string>& fault_kinds() {
  static const std::vector<std::string> kinds = {"pgbouncer-restart", "failover", "wake", "network",
                                                 "command"};
  return kinds;
}

}  // namespace loadgate
