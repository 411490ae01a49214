// Secrets named by a scenario: `secret_env: NAME` (an environment variable) or
// `secret_file: PATH`, falling back to a testbed's secret file. The value is returned, never
// logged; errors name the setting and the variable or file, not the secret.
#pragma once

#include <string>

#include "harness/config_node.h"

namespace loadgate {

std::string read_secret_setting(const ConfigNode& workload, const std::string& testbed_file,
                                const std::string& what);

}  // namespace loadgate
