#include "faults/fault_factory.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "faults/aurora_wake.h"
#include "faults/command_fault.h"
#include "faults/multi_az_failover.h"
#include "faults/network_toxic.h"
#include "faults/pgbouncer_console.h"
#include "faults/pgbouncer_restart.h"

namespace loadgate {
namespace {

// The kinds each driver can do; an empty list: any kind (the command driver).
const std::map<std::string, std::vector<std::string>>& driver_kinds() {
  static const std::map<std::string, std::vector<std::string>> kinds = {
      {"testbed", {"pgbouncer-restart", "failover", "wake"}},
      {"pgbouncer-console", {"pgbouncer-restart"}},
      {"proxy", {"network"}},
      {"command", {}},
  };
  return kinds;
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

std::vector<std::string> drivers_for(const std::string& kind) {
  std::vector<std::string> drivers;
  for (const auto& [driver, kinds] : driver_kinds())
    if (kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end())
      drivers.push_back(driver);
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
          "`driver: command` with your inject / check / recover commands",
          spec.kind, fmt::join(fault_kinds(), ", ")));
    return driver;
  }
  const std::string driver = named->as_string();
  const auto known = driver_kinds().find(driver);
  if (known == driver_kinds().end()) {
    std::vector<std::string> all;
    for (const auto& [name, kinds] : driver_kinds()) all.push_back(name);
    named->fail(
        fmt::format("unknown fault driver '{}' (available: {})", driver, fmt::join(all, ", ")));
  }
  const auto& kinds = known->second;
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), spec.kind) == kinds.end())
    named->fail(fmt::format("driver {} does {} faults, not {} (a {} fault takes driver: {})",
                            driver, fmt::join(kinds, " or "), spec.kind, spec.kind,
                            fmt::join(drivers_for(spec.kind), " or ")));
  if (spec.kind == "pgbouncer-restart" && (driver == "pgbouncer-console") != console_mode(spec))
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
