// JUnit XML for CI systems: one testcase per claim (broken: a failure; not measured: skipped,
// with why) and one per check the run makes of itself (no acknowledged write lost, every fault
// injected and recovered, the deployment healthy, the generator not the limit, and each SLO
// threshold of each workload).
#pragma once

#include <string>
#include <vector>

#include "harness/results.h"

namespace loadgate {

struct JUnitCase {
  std::string classname, name;
  enum class Outcome { passed, failed, skipped } outcome = Outcome::passed;
  std::string message, text;  // message: why it failed or was skipped; text: the evidence
};
struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

// The run's suites: "claims" and "run checks".
std::vector<JUnitSuite> junit_suites(const RunResult& run);
// The document around any suites (the release gate adds its own to each repeat's).
std::string junit_document(const std::vector<JUnitSuite>& suites);
std::string junit_xml(const RunResult& run);

}  // namespace loadgate
