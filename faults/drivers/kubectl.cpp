// driver: kubectl: a pod deleted (its controller starts another) or a workload's rollout
// restarted. Kind failover (a database pod whose operator fails over), pgbouncer-restart, or a
// kind of your own (service-restart): claims on fault.<kind>.* judge it.
//
//   - {kind: pgbouncer-restart, driver: kubectl, at: 2m, delete_pod: "app=pgbouncer",
//      namespace: staging, context: staging-eks}           # namespace and context optional
//   - {kind: service-restart, driver: kubectl, at: 2m, rollout_restart: deployment/api}
//
// delete_pod (a label selector): one running pod is deleted, the first by name:
//   inject: kubectl [--context C] [--namespace N] get pods -l SELECTOR
//             --field-selector=status.phase=Running -o 'jsonpath={.items[0].metadata.name}'
//           kubectl ... delete pod <that pod> --wait=true        (returns once it is gone)
//   check:  kubectl ... wait --for=condition=Ready pod -l SELECTOR --timeout=<timeout>s
//           until it exits 0 (it fails while the replacement does not exist yet)
// rollout_restart (deployment/x, statefulset/x or daemonset/x):
//   inject: kubectl ... rollout restart deployment/api
//   check:  kubectl ... rollout status deployment/api --timeout=<timeout>s   until it exits 0
// recover: nothing (the controller brought the pods back).
#include <fmt/format.h>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

class Kubectl : public CliDriver {
 public:
  Kubectl(const FaultSpec& spec, const std::filesystem::path& log_dir)
      : CliDriver(spec, "kubectl", {"delete_pod", "rollout_restart", "namespace", "context"},
                  log_dir) {
    selector_ = optional("delete_pod");
    resource_ = optional("rollout_restart");
    if (selector_.empty() == resource_.empty())
      settings_.fail(
          "driver kubectl needs one of `delete_pod` (a label selector, app=pgbouncer: one of its "
          "running pods is deleted) or `rollout_restart` (deployment/name, statefulset/name)");
    if (!resource_.empty() && resource_.find('/') == std::string::npos)
      settings_.at("rollout_restart")
          .fail(fmt::format("expected kind/name, like deployment/{}", resource_));
    context_ = optional("context");
    namespace_ = optional("namespace");
    target_ = selector_.empty() ? resource_ : "pod " + selector_;
  }

  std::vector<std::string> plan() const override {
    if (!resource_.empty())
      return plan_of({{"inject", FaultCommands::shown(kubectl({"rollout", "restart", resource_}))},
                      {"check", FaultCommands::shown(rollout_status()) + " (until it exits 0)"}});
    return plan_of({{"inject", FaultCommands::shown(running_pod())},
                    {"inject", FaultCommands::shown(delete_pod("<that pod>"))},
                    {"check", FaultCommands::shown(pods_ready()) + " (until it exits 0)"}});
  }

  void inject() override {
    if (!resource_.empty()) {
      commands_.run("inject", kubectl({"rollout", "restart", resource_}));
      commands_.wait_until_passes("inject", rollout_status());
      return;
    }
    const std::string pod = commands_.run("inject", running_pod());
    if (pod.empty()) throw FaultError(fmt::format("no running pod matches {}", selector_));
    commands_.run("inject", delete_pod(pod));
    commands_.wait_until_passes("inject", pods_ready());
  }

 private:
  Argv kubectl(std::initializer_list<std::string> words) const {
    Argv argv = {"kubectl"};
    if (!context_.empty()) argv.insert(argv.end(), {"--context", context_});
    if (!namespace_.empty()) argv.insert(argv.end(), {"--namespace", namespace_});
    argv.insert(argv.end(), words);
    return argv;
  }
  std::string timeout_flag() const {
    return fmt::format(
        "--timeout={}s",
        std::chrono::duration_cast<std::chrono::seconds>(commands_.timeout()).count());
  }
  Argv running_pod() const {
    return kubectl({"get", "pods", "-l", selector_, "--field-selector=status.phase=Running", "-o",
                    "jsonpath={.items[0].metadata.name}"});
  }
  Argv delete_pod(const std::string& pod) const {
    return kubectl({"delete", "pod", pod, "--wait=true"});
  }
  Argv pods_ready() const {
    return kubectl({"wait", "--for=condition=Ready", "pod", "-l", selector_, timeout_flag()});
  }
  Argv rollout_status() const { return kubectl({"rollout", "status", resource_, timeout_flag()}); }

  std::string selector_, resource_, context_, namespace_;
};

}  // namespace

std::unique_ptr<Fault> make_kubectl(const FaultSpec& spec, const std::filesystem::path& log_dir) {
  return std::make_unique<Kubectl>(spec, log_dir);
}

}  // namespace loadgate
