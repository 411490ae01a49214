// A scenario file turned into a checked plan: what to drive, at which rate, for how long,
// against which target. Workload-specific keys are left to each workload's factory, which
// reads them through the same ConfigNode so its errors carry the same file:line context.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/config_node.h"
#include "harness/units.h"

namespace loadgate {

struct TargetSpec {
  std::optional<std::string> testbed;  // "default" or a testbed directory
  std::vector<std::string> urls;       // base URLs of the service instances
};

struct ExecutorSpec {
  std::string type;  // "constant-arrival-rate" for now
  double rate_per_second = 0;
};

struct WorkloadSpec {
  std::string name;  // the key under workloads:
  std::string kind;  // jwt, ...
  ExecutorSpec executor;
  ConfigNode settings;  // the whole workload mapping, for the workload's own keys
};

struct ClientSpec {
  unsigned threads = 1;  // generator threads, one io_context each
  Duration connect_timeout = std::chrono::seconds(2);
  Duration request_timeout = std::chrono::seconds(5);
  size_t max_in_flight = 1000;  // per workload; a request over it is dropped, not delayed
};

struct Scenario {
  std::string name;
  std::filesystem::path file;
  TargetSpec target;
  Duration duration{};
  ClientSpec client;
  std::vector<WorkloadSpec> workloads;
};

// Reads and checks `file`, with each "path.to.key=value" in `overrides` applied first (the value
// is parsed as YAML, so it is type-checked exactly as if it had been written in the file).
// Throws ConfigError with a one-line, located message on any problem.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides);

// The same from text already in memory; `file` only names it in errors.
Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides);

}  // namespace loadgate
