// What the ready drivers share: a fault of the scenario's `kind` carried out by a system's own
// command-line tool (aws, patronictl, curl, kubectl) through FaultCommands, so each driver file
// only says which commands it runs and how it reads "done" from their answers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "faults/fault.h"
#include "faults/fault_commands.h"
#include "harness/scenario.h"

namespace loadgate {

// `aws <command...> --query <query> --output text`: an AWS CLI question whose answer is read back.
Argv aws_query(std::initializer_list<std::string> command, const std::string& query);

class CliDriver : public Fault {
 public:
  // Reads the keys FaultCommands reads and refuses any but those and `own_keys`, naming the line;
  // the log is `log_dir`/<name>.log, the name defaulting to the driver's.
  CliDriver(const FaultSpec& spec, std::string driver,
            std::initializer_list<std::string_view> own_keys, const std::filesystem::path& log_dir);

  // "failover by aws-rds-failover app-db"
  std::string describe() const override;
  std::string driver() const override { return driver_; }
  bool acts_on_cloud() const override { return true; }
  // Most of what these drivers do is not undone: a failover stays failed over, a stopped task
  // is replaced by its service. A driver with something to put back overrides it.
  void recover() override {}

 protected:
  // The string value of a required key, failing at the fault's line with `what` it names.
  std::string required(std::string_view key, std::string_view what) const;
  std::string optional(std::string_view key) const;
  // The plan's lines `step: command` for each command, then the environment's names.
  std::vector<std::string> plan_of(
      std::initializer_list<std::pair<std::string_view, std::string>> steps) const;

  const ConfigNode settings_;
  FaultCommands commands_;
  std::string target_;  // what it acts on, for describe(): "app-db"

 private:
  std::string kind_, driver_;
};

}  // namespace loadgate
