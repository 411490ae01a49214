// Gauges read by running the operator's own commands, for what only the platform knows: how many
// tasks a fleet runs now, what an auto-scaler wants. A scenario's `observe:` lists them:
//
//   observe:
//     commands:
//       - name: ecs.running_tasks          # the gauge command.ecs.running_tasks
//         run: "aws ecs describe-services --cluster staging --services core-api
//               --query 'services[0].runningCount' --output text"
//         every: 10s                       # default 10s; at least 1s
//         timeout: 5s                      # default: every, at most 10s
//
// Each command runs through /bin/sh with loadgate's environment (credentials come from there,
// never from the scenario) and LOADGATE_SCENARIO_DIR, the scenario's folder (and
// LOADGATE_TESTBED_DIR against a testbed); the last line it prints must be a number. Its stderr and
// every reading go to OUT/observe/<name>.log. A command that fails, runs past its time or prints
// something else is a gap in the gauge (counted, the first reason kept), never the end of a run.
// Claims name the gauge as any other: command.ecs.running_tasks.rose_after, .rise, .max, .min.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.h"
#include "harness/config_node.h"

namespace loadgate {

struct GaugeCommand {
  std::string gauge;  // "command.<name>"
  std::string run;    // a shell command line
  Duration every = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(10);
  // "NAME=value" beside loadgate's environment: LOADGATE_SCENARIO_DIR (the scenario's folder,
  // for scripts kept beside it) and, against a testbed, LOADGATE_TESTBED_DIR.
  std::vector<std::string> env = {};
};

// `observe.commands`: throws ConfigError naming the line of a bad name, interval or command.
std::vector<GaugeCommand> read_gauge_commands(const ConfigNode& commands);

// One reading: the number the command printed last, or why there is none.
struct GaugeReading {
  std::optional<double> value;
  std::string problem;  // "exited 255 (its stderr: OUT/observe/x.log)", "printed 'None', ..."
};
GaugeReading read_gauge(const GaugeCommand& command, const std::filesystem::path& log_dir);

// Runs the commands on a thread of its own, each every `every`, and keeps their newest readings
// until taken (the deployment observer adds them to its next sample).
class CommandGauges {
 public:
  CommandGauges(std::vector<GaugeCommand> commands, std::filesystem::path log_dir);
  ~CommandGauges();
  void start();
  void stop();  // returns once a command running now has ended (within its timeout)
  // The readings since the last call, by gauge.
  std::map<std::string, double> take();
  struct Gaps {
    size_t count = 0;
    std::string first_reason;
  };
  Gaps gaps() const;

 private:
  void run(std::stop_token stop);
  void read(const GaugeCommand& command);

  std::vector<GaugeCommand> commands_;
  std::filesystem::path log_dir_;
  mutable std::mutex mutex_;  // guards fresh_ and gaps_
  std::map<std::string, double> fresh_;
  Gaps gaps_;
  std::jthread thread_;
};

}  // namespace loadgate
