// Builds the fault a scenario names by its `kind`.
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

// Throws ConfigError (located at the fault) for an unknown kind or a kind this target cannot
// have (a local driver without a testbed).
std::unique_ptr<Fault> make_fault(const FaultSpec& spec, const FaultContext& context);

// Every kind make_fault() builds: pgbouncer-restart, failover, wake, network, command.
const std::vector<std::string>& fault_kinds();
// Every timing a fault of `kind` may measure of itself (Fault::timings), so a claim on a
// misspelt one is refused before the run, and one on a timing an occurrence lacked is not.
std::vector<std::string> fault_timing_names(const std::string& kind);

}  // namespace loadgate
