// driver: aws-rds-failover, kind failover: a Multi-AZ failover of an RDS instance.
//
//   - {kind: failover, driver: aws-rds-failover, at: 2m, db_instance: app-db,
//      timeout: 15m, check_every: 10s}
//
// inject: aws rds reboot-db-instance --db-instance-identifier app-db --force-failover
// check:  aws rds describe-db-instances --db-instance-identifier app-db
//           --query 'DBInstances[0].DBInstanceStatus' --output text   until it says `available`
// recover: nothing (the instance stays failed over, as after a real one).
//
// Polled here rather than by `aws rds wait db-instance-available`: the waiter keeps its own 30 s
// interval, so check_every would not hold, and a timeout could not say the status it last saw.
#include <fmt/format.h>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

class AwsRdsFailover : public CliDriver {
 public:
  AwsRdsFailover(const FaultSpec& spec, const std::filesystem::path& log_dir)
      : CliDriver(spec, "aws-rds-failover", {"db_instance"}, log_dir) {
    target_ = required("db_instance", "the instance to fail over (--db-instance-identifier)");
  }

  std::vector<std::string> plan() const override {
    return plan_of({{"inject", FaultCommands::shown(reboot())},
                    {"check", FaultCommands::shown(status()) + " (until available)"}});
  }

  void inject() override {
    commands_.run("inject", reboot());
    commands_.wait_until_says("inject", status(), "available");
  }

 private:
  Argv reboot() const {
    return {"aws",
            "rds",
            "reboot-db-instance",
            "--db-instance-identifier",
            target_,
            "--force-failover"};
  }
  Argv status() const {
    return aws_query({"rds", "describe-db-instances", "--db-instance-identifier", target_},
                     "DBInstances[0].DBInstanceStatus");
  }
};

}  // namespace

std::unique_ptr<Fault> make_aws_rds_failover(const FaultSpec& spec,
                                             const std::filesystem::path& log_dir) {
  return std::make_unique<AwsRdsFailover>(spec, log_dir);
}

}  // namespace loadgate
