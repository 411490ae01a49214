// driver: aws-ecs-stop-task: one running task of an ECS service is stopped and the service
// replaces it. Kind pgbouncer-restart (a pgbouncer service), or a kind of your own for any other
// service (service-restart): claims on fault.<kind>.* judge it.
//
//   - {kind: pgbouncer-restart, driver: aws-ecs-stop-task, at: 2m, cluster: app,
//      service: pgbouncer, timeout: 15m, check_every: 15s}
//
// inject: aws ecs list-tasks --cluster app --service-name pgbouncer --desired-status RUNNING
//           --query 'taskArns[0]' --output text                      (the task to stop)
//         aws ecs stop-task --cluster app --task <that task> --reason loadgate
// check:  aws ecs describe-tasks --cluster app --tasks <that task>
//           --query 'tasks[0].lastStatus' --output text           until it says STOPPED, then
//         aws ecs wait services-stable --cluster app --services pgbouncer   until it exits 0.
//         Waiting for the task to stop first: until ECS has noticed, the service still counts it
//         as running and already looks stable.
// recover: nothing (the service starts the replacement itself).
#include <fmt/format.h>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

class AwsEcsStopTask : public CliDriver {
 public:
  AwsEcsStopTask(const FaultSpec& spec, const std::filesystem::path& log_dir)
      : CliDriver(spec, "aws-ecs-stop-task", {"cluster", "service"}, log_dir) {
    cluster_ = required("cluster", "the ECS cluster (--cluster)");
    service_ = required("service", "the ECS service whose task is stopped (--service-name)");
    target_ = fmt::format("{}/{}", cluster_, service_);
  }

  std::vector<std::string> plan() const override {
    return plan_of(
        {{"inject", FaultCommands::shown(list_tasks())},
         {"inject", FaultCommands::shown(stop("<that task>"))},
         {"check", FaultCommands::shown(task_status("<that task>")) + " (until STOPPED)"},
         {"check", FaultCommands::shown(stable()) + " (until it exits 0)"}});
  }

  void inject() override {
    const std::string task = commands_.run("inject", list_tasks());
    if (task.empty() || task == "None")
      throw FaultError(
          fmt::format("service {} of cluster {} has no running task to stop", service_, cluster_));
    commands_.run("inject", stop(task));
    commands_.wait_until_says("inject", task_status(task), "STOPPED");
    commands_.wait_until_passes("inject", stable());
  }

 private:
  Argv list_tasks() const {
    return aws_query({"ecs", "list-tasks", "--cluster", cluster_, "--service-name", service_,
                      "--desired-status", "RUNNING"},
                     "taskArns[0]");
  }
  Argv stop(const std::string& task) const {
    return {"aws",    "ecs", "stop-task", "--cluster", cluster_,
            "--task", task,  "--reason",  "loadgate"};
  }
  Argv task_status(const std::string& task) const {
    return aws_query({"ecs", "describe-tasks", "--cluster", cluster_, "--tasks", task},
                     "tasks[0].lastStatus");
  }
  Argv stable() const {
    return {"aws", "ecs", "wait", "services-stable", "--cluster", cluster_, "--services", service_};
  }

  std::string cluster_, service_;
};

}  // namespace

std::unique_ptr<Fault> make_aws_ecs_stop_task(const FaultSpec& spec,
                                              const std::filesystem::path& log_dir) {
  return std::make_unique<AwsEcsStopTask>(spec, log_dir);
}

}  // namespace loadgate
