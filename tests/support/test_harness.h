// Helpers the unit and integration tests share: a workload's spec parsed from a few lines of YAML.
#pragma once

#include <string>

#include "harness/http_connection.h"
#include "harness/scenario.h"

namespace loadgate::test {

// The spec of a workload named "w" whose mapping is `body` (lines indented by four spaces), in a
// minimal scenario called `file`: the body's first line is line 6. The spec stays valid for the
// test program's life (its ConfigNode refers into the parsed YAML).
const WorkloadSpec& workload_spec(const std::string& body, const std::string& file);

}  // namespace loadgate::test
