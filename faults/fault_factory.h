// Builds the fault a scenario names: its `kind` says what happens to the system (failover,
// pgbouncer-restart, wake, network, or a word of the user's), its `driver` how (testbed,
// pgbouncer-console, proxy, command, or a ready driver of faults/drivers/: aws-*, patroni-*,
// kubectl); each kind of loadgate's has a default driver, a kind of the user's names its driver.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "faults/fault.h"
#include "harness/scenario.h"

namespace loadgate {

struct FaultContext {
  std::optional<std::filesystem::path> testbed_dir;  // when the target is a testbed
  std::filesystem::path log_dir = "faults";          // command faults' output (OUT/faults)
};

// Throws ConfigError (located at the fault) for an unknown kind or driver, a driver that cannot
// do the kind, or one this target cannot have (the testbed driver without a testbed).
std::unique_ptr<Fault> make_fault(const FaultSpec& spec, const FaultContext& context);

// The kinds loadgate injects itself (pgbouncer-restart, failover, wake, network) and command,
// the kind of a command fault that names none.
const std::vector<std::string>& fault_kinds();
// Every timing a fault of `kind` may measure of itself (Fault::timings), so a claim on a
// misspelt one is refused before the run, and one on a timing an occurrence lacked is not.
std::vector<std::string> fault_timing_names(const std::string& kind, const std::string& driver);

}  // namespace loadgate
