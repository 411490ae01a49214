// driver: aws-aurora-scale-to-zero, kind wake: an Aurora Serverless v2 cluster is let pause
// (minimum capacity 0 ACU, the auto-pause feature), so that the load after it meets a cold
// database and the report measures the wake.
//
//   - {kind: wake, driver: aws-aurora-scale-to-zero, at: 0s, recover_after: 21m,
//      db_cluster: app-cluster, seconds_until_auto_pause: 300, timeout: 19m, check_every: 30s}
//
// before:  aws rds describe-db-clusters --db-cluster-identifier app-cluster --query
//            'DBClusters[0].ServerlessV2ScalingConfiguration.[MinCapacity,MaxCapacity]'
//            --output text               the configuration to restore, kept in OUT/faults/<name>
//            .restore as well, so `loadgate recover` restores it after a crash
// inject:  aws rds modify-db-cluster --db-cluster-identifier app-cluster
//            --serverless-v2-scaling-configuration
//            MinCapacity=0,MaxCapacity=<as before>,SecondsUntilAutoPause=300 --apply-immediately
// check:   aws cloudwatch get-metric-statistics --namespace AWS/RDS
//            --metric-name ServerlessDatabaseCapacity
//            --dimensions Name=DBClusterIdentifier,Value=app-cluster
//            --start-time <5 minutes ago> --end-time <now> --period 60 --statistics Maximum
//            --query 'sort_by(Datapoints,&Timestamp)[-1].Maximum' --output text
//          until the latest minute's maximum is 0: every instance of the cluster is paused.
// recover: aws rds modify-db-cluster ... MinCapacity=<before>,MaxCapacity=<before>
//            --apply-immediately, then the `before` query until it says the same again.
//
// Why the capacity metric: a paused instance keeps the status `available` in describe-db-
// instances, and ServerlessDatabaseCapacity at 0 ACU is how AWS documents a pause (the console's
// ACUUtilization reads 0% likewise). It arrives about a minute late, so the check runs that much
// after the pause really began. Aurora pauses only an instance with no user connections for
// seconds_until_auto_pause (300 to 86400, AWS's own bounds): the workload must send nothing
// meanwhile and the application's pool and any pgbouncer must have closed their connections; RDS
// Proxy, logical replication and a global database's primary never pause.
#include <chrono>
#include <ctime>
#include <fstream>

#include <fmt/format.h>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

// "2025-01-31T12:00:00Z", as the AWS CLI takes a time.
std::string utc(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &fields);
  return text;
}

class AwsAuroraScaleToZero : public CliDriver {
 public:
  AwsAuroraScaleToZero(const FaultSpec& spec, const std::filesystem::path& log_dir)
      : CliDriver(spec, "aws-aurora-scale-to-zero", {"db_cluster", "seconds_until_auto_pause"},
                  log_dir),
        restore_file_(log_dir / (commands_.name() + ".restore")) {
    target_ = required("db_cluster", "the Aurora Serverless v2 cluster (--db-cluster-identifier)");
    if (auto seconds = settings_.find("seconds_until_auto_pause"))
      idle_seconds_ = seconds->as_integer(300, 86400);
    if (commands_.timeout() <= std::chrono::seconds(idle_seconds_))
      settings_.fail(fmt::format(
          "the pause comes {} s after the last connection at the earliest, so the check's "
          "timeout ({}) must be longer: timeout: {}m or more",
          idle_seconds_, format_duration(commands_.timeout()), idle_seconds_ / 60 + 5));
  }

  std::vector<std::string> plan() const override {
    return plan_of(
        {{"before", FaultCommands::shown(scaling()) + " (the configuration to restore)"},
         {"inject", FaultCommands::shown(modify(pause_config("<as before>")))},
         {"check", FaultCommands::shown(capacity("<5 minutes ago>", "<now>")) + " (until 0.0)"},
         {"recover", FaultCommands::shown(modify("MinCapacity=<before>,MaxCapacity=<before>"))},
         {"check", FaultCommands::shown(scaling()) + " (until it says the same as before)"}});
  }

  void inject() override {
    const std::string before = commands_.run("before inject", scaling());
    const size_t tab = before.find('\t');
    if (tab == std::string::npos || before.starts_with("None"))
      throw FaultError(fmt::format("cluster {} has no Serverless v2 scaling configuration ({})",
                                   target_, before));
    before_ = before;
    std::ofstream(restore_file_) << before_ << "\n";
    commands_.run("inject", modify(pause_config(before.substr(tab + 1))));
    commands_.wait_until_done(
        FaultCommands::shown(capacity("<5 minutes ago>", "<now>")), "inject", [this] {
          const auto now = std::chrono::system_clock::now();
          const FaultCommands::Outcome seen =
              commands_.call(capacity(utc(now - std::chrono::minutes(5)), utc(now)));
          if (seen.status != 0) return fmt::format("it exited {}", seen.status);
          if (seen.output == "0.0" || seen.output == "0") return std::string();
          return fmt::format("capacity {} ACU", seen.output);
        });
  }

  // The configuration to restore comes from the file the injecting run wrote.
  void assume_injected() override {
    std::ifstream in(restore_file_);
    std::getline(in, before_);
  }

  void recover() override {
    const size_t tab = before_.find('\t');
    if (tab == std::string::npos) return;  // inject never got to change anything
    commands_.run("recover", modify(fmt::format("MinCapacity={},MaxCapacity={}",
                                                before_.substr(0, tab), before_.substr(tab + 1))));
    commands_.wait_until_says("recover", scaling(), before_);
  }

 private:
  std::string pause_config(const std::string& max_capacity) const {
    return fmt::format("MinCapacity=0,MaxCapacity={},SecondsUntilAutoPause={}", max_capacity,
                       idle_seconds_);
  }
  Argv scaling() const {
    return aws_query({"rds", "describe-db-clusters", "--db-cluster-identifier", target_},
                     "DBClusters[0].ServerlessV2ScalingConfiguration.[MinCapacity,MaxCapacity]");
  }
  Argv modify(const std::string& config) const {
    return {"aws",
            "rds",
            "modify-db-cluster",
            "--db-cluster-identifier",
            target_,
            "--serverless-v2-scaling-configuration",
            config,
            "--apply-immediately"};
  }
  Argv capacity(const std::string& start, const std::string& end) const {
    return aws_query(
        {"cloudwatch", "get-metric-statistics", "--namespace", "AWS/RDS", "--metric-name",
         "ServerlessDatabaseCapacity", "--dimensions", "Name=DBClusterIdentifier,Value=" + target_,
         "--start-time", start, "--end-time", end, "--period", "60", "--statistics", "Maximum"},
        "sort_by(Datapoints,&Timestamp)[-1].Maximum");
  }

  std::filesystem::path restore_file_;
  int64_t idle_seconds_ = 300;
  std::string before_;  // "0.5\t8.0": MinCapacity and MaxCapacity before inject
};

}  // namespace

std::unique_ptr<Fault> make_aws_aurora_scale_to_zero(const FaultSpec& spec,
                                                     const std::filesystem::path& log_dir) {
  return std::make_unique<AwsAuroraScaleToZero>(spec, log_dir);
}

}  // namespace loadgate
