// Helpers the unit and integration tests share: a workload's spec or a fault's scenario parsed
// from a few lines of YAML.
#pragma once

#include <string>

#include "harness/scenario.h"

namespace loadgate::test {

// The spec of a workload named "w" whose mapping is `body` (lines indented by four spaces), in a
// minimal scenario called `file`: the body's first line is line 6. The spec stays valid for the
// test program's life (its ConfigNode refers into the parsed YAML).
const WorkloadSpec& workload_spec(const std::string& body, const std::string& file);

// A one-minute scenario "f.yaml" against a real deployment's URL whose `faults:` list is
// `faults` (lines indented by two spaces): the first fault's lines start at line 7.
Scenario with_fault(const std::string& faults);

}  // namespace loadgate::test
