// Starting a testbed server safely: wait until it listens, and stop it again if it does not,
// so a failed `up` never leaves a process that no state file names.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "harness/process.h"
#include "testbed/testbed_state.h"

namespace loadgate::testbed {

// Spawns `spec` detached, fills in record.pid and record.start_ticks, and waits up to `timeout`
// for record.host:record.port to accept. On failure the process is stopped and the error names
// it, its port and the tail of its log.
ProcessRecord start_and_wait(ProcessRecord record, const ProcessSpec& spec, Duration timeout);

// Writes a file only its owner can read: created with mode 0600 (never wider, not even for a
// moment), never through a symlink, then given to `owner` when set.
void write_private_file(const std::filesystem::path& file, const std::string& text,
                        const std::optional<RunAs>& owner = std::nullopt);

}  // namespace loadgate::testbed
