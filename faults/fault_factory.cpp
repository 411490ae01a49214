#include "faults/fault_factory.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faults/aurora_wake.h"
#include "faults/command_fault.h"
#include "faults/drivers/ready_drivers.h"
#include "faults/multi_az_failover.h"
#include "faults/network_toxic.h"
#include "faults/pgbouncer_console.h"
#include "faults/pgbouncer_restart.h"

namespace loadgate {
namespace {

// What each driver can do, and who builds it.
struct Driver {
  std::vector<std::string> kinds;  // the kinds of loadgate's own vocabulary it does
  bool own_kinds = false;          // and any kind of the user's (cache-flush, service-restart)
  MakeFault make = nullptr;        // a ready driver's maker; the others are built below
};

const std::map<std::string, Driver>& driver_kinds() {
  static const std::map<std::string, Driver> drivers = {
      {"testbed", {{"pgbouncer-restart", "failover", "wake"}}},
      {"pgbouncer-console", {{"pgbouncer-restart"}}},
      {"proxy", {{"network"}}},
      {"command", {fault_kinds(), true}},
      {"aws-rds-failover", {{"failover"}, false, make_aws_rds_failover}},
      {"aws-aurora-failover", {{"failover"}, false, make_aws_aurora_failover}},
      {"aws-ecs-stop-task", {{"pgbouncer-restart"}, true, make_aws_ecs_stop_task}},
      {"aws-aurora-scale-to-zero", {{"wake"}, false, make_aws_aurora_scale_to_zero}},
      {"patroni-switchover", {{"failover"}, false, make_patroni_switchover}},
      {"patroni-failover", {{"failover"}, false, make_patroni_failover}},
      {"kubectl", {{"failover", "pgbouncer-restart"}, true, make_kubectl}},
  };
  return drivers;
}

bool own_kind(const std::string& kind) {
  return std::find(fault_kinds().begin(), fault_kinds().end(), kind) == fault_kinds().end();
}

bool does(const Driver& driver, const std::string& kind) {
  return std::find(driver.kinds.begin(), driver.kinds.end(), kind) != driver.kinds.end() ||
         (driver.own_kinds && own_kind(kind));
}

bool console_mode(const FaultSpec& spec) {
  const std::optional<ConfigNode> mode = spec.settings.find("mode");
  const std::string name = mode ? mode->as_string() : "";
  return name == "pause" || name == "reconnect" || name == "kill-database";
}

// The driver a kind gets when the scenario names none; empty for a kind of the user's.
std::string default_driver(const FaultSpec& spec) {
  if (spec.kind == "pgbouncer-restart") return console_mode(spec) ? "pgbouncer-console" : "testbed";
  if (spec.kind == "failover" || spec.kind == "wake") return "testbed";
  if (spec.kind == "network") return "proxy";
  if (spec.kind == "command") return "command";
  return "";
}

// The ready drivers that take a kind of the user's, for the error that names none.
std::vector<std::string> ready_for_own_kinds() {
  std::vector<std::string> drivers;
  for (const auto& [name, driver] : driver_kinds())
    if (driver.own_kinds && driver.make) drivers.push_back(name);
  return drivers;
}

std::vector<std::string> drivers_for(const std::string& kind) {
  std::vector<std::string> drivers;
  for (const auto& [name, driver] : driver_kinds())
    if (does(driver, kind)) drivers.push_back(name);
  return drivers;
}

// The spec's driver, checked against its kind; fails at the line that does not fit.
std::string checked_driver(const FaultSpec& spec) {
  const ConfigNode& node = spec.settings;
  // A kind names the fault in claims (fault.<kind>.downtime, window: after <kind>): one word.
  const bool word =
      !spec.kind.empty() && std::all_of(spec.kind.begin(), spec.kind.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (!word)
    node.at("kind").fail(fmt::format(
        "a fault kind is one lowercase word (letters, digits, - or _), it names the fault in "
        "claims: fault.<kind>.downtime; got '{}'",
        spec.kind));
  const std::optional<ConfigNode> named = node.find("driver");
  if (!named) {
    std::string driver = default_driver(spec);
    if (driver.empty())
      node.at("kind").fail(fmt::format(
          "'{}' is not a kind loadgate can inject itself ({}); a kind of your own needs "
          "`driver: command` with your inject / check / recover commands, or a driver that "
          "restarts a service: {}",
          spec.kind, fmt::join(fault_kinds(), ", "), fmt::join(ready_for_own_kinds(), ", ")));
    return driver;
  }
  const std::string driver = named->as_string();
  const auto known = driver_kinds().find(driver);
  if (known == driver_kinds().end()) {
    std::vector<std::string> all;
    for (const auto& [name, entry] : driver_kinds()) all.push_back(name);
    named->fail(
        fmt::format("unknown fault driver '{}' (available: {})", driver, fmt::join(all, ", ")));
  }
  if (!does(known->second, spec.kind)) {
    std::vector<std::string> kinds = known->second.kinds;
    if (known->second.own_kinds) kinds.push_back("a kind of your own");
    named->fail(fmt::format("driver {} does {} faults, not {} (a {} fault takes driver: {})",
                            driver, fmt::join(kinds, " or "), spec.kind, spec.kind,
                            fmt::join(drivers_for(spec.kind), " or ")));
  }
  // A signal or a console command: the two pgbouncer drivers of loadgate's own.
  const bool pgbouncer_driver = driver == "testbed" || driver == "pgbouncer-console";
  if (spec.kind == "pgbouncer-restart" && pgbouncer_driver &&
      (driver == "pgbouncer-console") != console_mode(spec))
    named->fail(driver == "testbed"
                    ? "mode pause, reconnect and kill-database go through the admin console: "
                      "driver: pgbouncer-console"
                    : "the admin console does mode: pause, reconnect or kill-database; a signal "
                      "(terminate, graceful, kill) needs driver: testbed");
  return driver;
}

}  // namespace

std::unique_ptr<Fault> make_fault(const FaultSpec& spec, const FaultContext& context) {
  const std::string driver = checked_driver(spec);
  if (const MakeFault make = driver_kinds().at(driver).make) return make(spec, context.log_dir);
  if (driver == "command") return std::make_unique<CommandFault>(spec, context.log_dir);
  if (driver == "proxy") return std::make_unique<NetworkToxic>(spec, context.testbed_dir);
  if (driver == "pgbouncer-console")
    return std::make_unique<PgbouncerConsole>(spec, context.testbed_dir);
  if (!context.testbed_dir) {
    std::vector<std::string> others = drivers_for(spec.kind);
    std::erase(others, "testbed");
    spec.settings.fail(fmt::format(
        "{} with driver testbed drives a local testbed, and the target is not one; against a "
        "real deployment use driver: {} (templates: scenarios/faults/aws-*.yaml)",
        spec.kind, fmt::join(others, " or ")));
  }
  if (spec.kind == "pgbouncer-restart")
    return std::make_unique<PgbouncerRestart>(spec, *context.testbed_dir);
  if (spec.kind == "failover") return std::make_unique<MultiAzFailover>(spec, *context.testbed_dir);
  return std::make_unique<AuroraWake>(spec, *context.testbed_dir);
}

std::vector<std::string> fault_timing_names(const std::string& kind, const std::string& driver) {
  // Only the testbed's drivers time their own steps; "" is a result from before drivers.
  if (driver != "testbed" && !driver.empty()) return {};
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
