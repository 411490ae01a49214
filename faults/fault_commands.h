// How a fault runs programs, for the command driver and the ready drivers (faults/drivers/):
// each command is an argv, so a value from the scenario is one argument and never shell syntax;
// it inherits loadgate's environment (credentials come from there, never from the scenario) plus
// the fault's `env`; its output is appended to OUT/faults/<name>.log after a `$ command` line;
// each is bounded by `timeout`. A check is polled every `check_every` until the system says it is
// done, within `timeout` all told.
//
// The keys it reads, common to every driver that runs programs:
//   name: one word, names the log (a ready driver defaults to its own name)
//   timeout: per command, and for a check to pass (default 5m)
//   check_every: between two tries of a check (default 5s)
//   env: {NAME: value} added to the environment (the plan shows the names only)
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faults/fault.h"
#include "harness/config_node.h"

namespace loadgate {

using Argv = std::vector<std::string>;

class FaultCommands {
 public:
  // Refuses any key of `node` but the timeline's, the ones above and `own_keys`, naming the line.
  // An empty `default_name` makes `name` required.
  FaultCommands(const ConfigNode& node, std::initializer_list<std::string_view> own_keys,
                const std::filesystem::path& log_dir, const std::string& default_name);

  const std::string& name() const { return name_; }
  Duration timeout() const { return timeout_; }

  // "aws rds ..." as printed in plans and errors, quoted as a shell would need it so that it can
  // be pasted; a `/bin/sh -c LINE` shows as LINE.
  static std::string shown(const Argv& command);
  // "inject:  aws rds ...", aligned as `loadgate run --dry-run` prints a plan.
  static std::string plan_line(std::string_view step, const std::string& what);
  // The names of `env`'s variables, as plan lines (a value may be a token).
  std::vector<std::string> env_plan() const;

  struct Outcome {
    int status = 0;      // the exit status; -1 when it ran past its time
    std::string output;  // its stdout, without the trailing newline
  };
  // Runs `command` within what is left of the current wait (or `timeout`).
  Outcome call(const Argv& command) const;
  // `call`, throwing FaultError naming `step`, the command, its status and the log's tail unless
  // it exits 0. Returns its stdout.
  std::string run(std::string_view step, const Argv& command) const;

  // What a check sees each try: empty once the system says it is done, else what it saw
  // ("status failing-over"), for the error at the timeout.
  using Check = std::function<std::string()>;
  // Tries `check` every check_every until it is done; throws FaultError naming `shown_check`,
  // `after` (the step it follows) and the last thing it saw, when `timeout` passes first.
  void wait_until_done(const std::string& shown_check, std::string_view after, const Check& check);
  // The two checks most systems answer: `check` exits 0 (a CLI's own waiter), or `query` prints
  // exactly `answer` ("available").
  void wait_until_passes(std::string_view after, const Argv& check);
  void wait_until_says(std::string_view after, const Argv& query, const std::string& answer);

 private:
  std::string name_;
  Duration timeout_ = std::chrono::minutes(5);
  Duration check_every_ = std::chrono::seconds(5);
  std::vector<std::string> env_;  // NAME=value
  std::filesystem::path log_, output_;
  std::optional<Clock::time_point> deadline_;  // of the wait under way
};

}  // namespace loadgate
