// kind: command: the driver for anything loadgate cannot do itself, such as a real deployment
// through the AWS CLI or kubectl. The scenario gives the inject, recover and check commands:
//
//   - kind: command
//     name: rds-failover
//     at: 1m
//     inject: [aws, rds, reboot-db-instance, --db-instance-identifier, app-db, --force-failover]
//     check: "aws rds wait db-instance-available --db-instance-identifier app-db"
//     recover: [...]          # optional
//     timeout: 10m            # per command, and for the check to pass (default 5m)
//     check_every: 10s        # default 5s
//     env: {AWS_REGION: eu-west-1}
//
// A command is a list (run as is) or a string (run by /bin/sh -c). It inherits loadgate's
// environment (credentials come from there, never from the scenario), plus `env`. Its output goes
// to OUT/faults/<name>.log. inject and recover must exit 0; after each, `check` is run every
// check_every until it exits 0, within `timeout`. `loadgate run --dry-run` prints the commands
// and runs nothing.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "faults/fault.h"
#include "faults/fault_commands.h"
#include "harness/scenario.h"

namespace loadgate {

class CommandFault : public Fault {
 public:
  // Reads and checks the fault's keys; throws ConfigError naming the line. The log goes to
  // `log_dir`/<name>.log.
  CommandFault(const FaultSpec& spec, const std::filesystem::path& log_dir);

  std::string describe() const override;
  std::string driver() const override { return "command"; }
  std::vector<std::string> plan() const override;
  void inject() override;
  void recover() override;

 private:
  void wait_for_check(std::string_view after);

  std::string kind_;
  Argv inject_, recover_, check_;
  FaultCommands commands_;
};

}  // namespace loadgate
