// The ready drivers: a fault carried out by a deployment's own tools, one file each, for a
// deployment loadgate did not start. Each file's header says its keys and the commands it runs.
//
//   aws_rds_failover.cpp          aws-rds-failover           failover
//   aws_aurora_failover.cpp       aws-aurora-failover        failover
//   aws_ecs_stop_task.cpp         aws-ecs-stop-task          pgbouncer-restart or your own kind
//   aws_aurora_scale_to_zero.cpp  aws-aurora-scale-to-zero   wake
//   patroni.cpp                   patroni-switchover, patroni-failover   failover
//   kubectl.cpp                   kubectl                    failover, pgbouncer-restart or yours
#pragma once

#include <filesystem>
#include <memory>

#include "faults/fault.h"
#include "harness/scenario.h"

namespace loadgate {

// Each reads and checks the fault's keys (throwing ConfigError at the line) and logs its
// commands' output to `log_dir`/<name>.log.
using MakeFault = std::unique_ptr<Fault> (*)(const FaultSpec& spec,
                                             const std::filesystem::path& log_dir);
std::unique_ptr<Fault> make_aws_rds_failover(const FaultSpec&, const std::filesystem::path&);
std::unique_ptr<Fault> make_aws_aurora_failover(const FaultSpec&, const std::filesystem::path&);
std::unique_ptr<Fault> make_aws_ecs_stop_task(const FaultSpec&, const std::filesystem::path&);
std::unique_ptr<Fault> make_aws_aurora_scale_to_zero(const FaultSpec&,
                                                     const std::filesystem::path&);
std::unique_ptr<Fault> make_patroni_switchover(const FaultSpec&, const std::filesystem::path&);
std::unique_ptr<Fault> make_patroni_failover(const FaultSpec&, const std::filesystem::path&);
std::unique_ptr<Fault> make_kubectl(const FaultSpec&, const std::filesystem::path&);

}  // namespace loadgate
