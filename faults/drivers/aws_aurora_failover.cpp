// driver: aws-aurora-failover, kind failover: an Aurora cluster's writer fails over to a reader.
//
//   - {kind: failover, driver: aws-aurora-failover, at: 2m, db_cluster: app-cluster,
//      target_instance: app-db-2,       # optional: the reader to promote
//      timeout: 15m, check_every: 10s}
//
// before: aws rds describe-db-clusters --db-cluster-identifier app-cluster --query
//           'DBClusters[0].[Status,DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier|[0]]'
//           --output text                                  (the status and the writer now)
// inject: aws rds failover-db-cluster --db-cluster-identifier app-cluster
//           [--target-db-instance-identifier app-db-2]
// check:  the same query until the status is `available` and the writer is another instance
//         (the target, when one is named). A status alone is not enough: right after the call the
//         cluster may still say `available` before it says `failing-over`.
// recover: nothing. The cluster needs a reader to fail over to.
#include <fmt/format.h>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

class AwsAuroraFailover : public CliDriver {
 public:
  AwsAuroraFailover(const FaultSpec& spec, const std::filesystem::path& log_dir)
      : CliDriver(spec, "aws-aurora-failover", {"db_cluster", "target_instance"}, log_dir) {
    target_ = required("db_cluster", "the cluster to fail over (--db-cluster-identifier)");
    target_instance_ = optional("target_instance");
  }

  std::vector<std::string> plan() const override {
    return plan_of(
        {{"before", FaultCommands::shown(state()) + " (the writer now)"},
         {"inject", FaultCommands::shown(failover())},
         {"check", FaultCommands::shown(state()) + " (until available with another writer)"}});
  }

  void inject() override {
    const std::string writer_before = writer_of(commands_.run("before inject", state()));
    commands_.run("inject", failover());
    commands_.wait_until_done(FaultCommands::shown(state()), "inject", [&] {
      const FaultCommands::Outcome now = commands_.call(state());
      if (now.status != 0) return fmt::format("it exited {}", now.status);
      const std::string writer = writer_of(now.output);
      const bool moved =
          target_instance_.empty() ? writer != writer_before : writer == target_instance_;
      if (now.output.starts_with("available\t") && moved) return std::string();
      return fmt::format("it said '{}' (the writer before: {})", now.output, writer_before);
    });
  }

 private:
  // "available\tapp-db-1" → "app-db-1"
  static std::string writer_of(const std::string& state) {
    const size_t tab = state.find('\t');
    return tab == std::string::npos ? std::string() : state.substr(tab + 1);
  }
  Argv state() const {
    return aws_query(
        {"rds", "describe-db-clusters", "--db-cluster-identifier", target_},
        "DBClusters[0].[Status,DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier|[0]]");
  }
  Argv failover() const {
    Argv argv = {"aws", "rds", "failover-db-cluster", "--db-cluster-identifier", target_};
    if (!target_instance_.empty())
      argv.insert(argv.end(), {"--target-db-instance-identifier", target_instance_});
    return argv;
  }

  std::string target_instance_;
};

}  // namespace

std::unique_ptr<Fault> make_aws_aurora_failover(const FaultSpec& spec,
                                                const std::filesystem::path& log_dir) {
  return std::make_unique<AwsAuroraFailover>(spec, log_dir);
}

}  // namespace loadgate
