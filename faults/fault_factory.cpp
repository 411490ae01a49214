#include "faults/fault_factory.h"

#include <fmt/format.h>

#include "faults/pgbouncer_restart.h"

namespace loadgate {

std::unique_ptr<Fault> make_fault(const FaultSpec& spec, const FaultContext& context) {
  if (spec.kind == "pgbouncer-restart") {
    if (!context.testbed_dir)
      spec.settings.fail(
          "pgbouncer-restart drives a local testbed; against a real deployment use the command "
          "driver");
    return std::make_unique<PgbouncerRestart>(spec, *context.testbed_dir);
  }
  spec.settings.at("kind").fail(
      fmt::format("unknown fault kind '{}' (available: pgbouncer-restart)", spec.kind));
}

}  // namespace loadgate
