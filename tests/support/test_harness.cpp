#include "tests/support/test_harness.h"

#include <deque>

namespace loadgate::test {

const WorkloadSpec& workload_spec(const std::string& body, const std::string& file) {
  static std::deque<Scenario> parsed;  // a deque: earlier specs stay where they are
  parsed.push_back(parse_scenario(
      "name: t\ntarget: {urls: [http://127.0.0.1:1]}\nduration: 1s\nworkloads:\n  w:\n" + body,
      file, {}));
  return parsed.back().workloads[0];
}

Scenario with_fault(const std::string& faults) {
  return parse_scenario(R"(name: f
target: {urls: ["http://127.0.0.1:9"]}
duration: 1m
workloads:
  w: {kind: jwt, executor: {type: constant-arrival-rate, rate: 1/s}}
faults:
)" + faults,
                        "f.yaml", {});
}

}  // namespace loadgate::test
