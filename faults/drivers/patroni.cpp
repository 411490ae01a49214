// drivers: patroni-switchover and patroni-failover, kind failover: Patroni moves the leader.
//
//   - {kind: failover, driver: patroni-switchover, at: 2m, config: /etc/patroni.yml,
//      cluster: demo, candidate: pg-2}               # cluster and candidate optional
//   - {kind: failover, driver: patroni-failover, at: 2m, rest_api: "http://pg-1:8008",
//      candidate: pg-2}                              # a failover names the member to promote
//
// Through patronictl (`config`, the file `patronictl -c` reads) or Patroni's REST API (`rest_api`,
// any member's; called with curl, which must be on PATH; no REST authentication):
// before:  patronictl -c CONFIG list [CLUSTER] -f json   |  curl -fsS REST/cluster
//          (a switchover's: the leader it moves away from)
// inject:  patronictl -c CONFIG switchover [CLUSTER] --leader <it> [--candidate C] --force
//          patronictl -c CONFIG failover [CLUSTER] --candidate C --force
//          | curl -fsS -X POST -H 'Content-Type: application/json'
//            --data '{"leader":"<it>","candidate":"C"}' REST/switchover   (or REST/failover)
// check:   the `before` command until the cluster has a running leader: the candidate when one
//          is named, and for a switchover another member than before.
// recover: nothing (the new leader stays).
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faults/drivers/cli_driver.h"
#include "faults/drivers/ready_drivers.h"

namespace loadgate {
namespace {

constexpr const char* kLeaderBefore = "<the leader before>";

// The running leader in `patronictl list -f json` (a list of {"Member", "Role", "State"}) or in
// GET /cluster ({"members": [{"name", "role", "state"}]}); empty when there is none.
std::string running_leader(const std::string& answer) {
  const nlohmann::json parsed = nlohmann::json::parse(answer, nullptr, false);
  if (parsed.is_discarded()) return "";
  const nlohmann::json members =
      parsed.is_array() ? parsed : parsed.value("members", nlohmann::json());
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    return text;
  };
  for (const auto& member : members) {
    if (!member.is_object()) continue;
    const std::string role = lower(member.value("Role", member.value("role", "")));
    const std::string state = lower(member.value("State", member.value("state", "")));
    if (role == "leader" && state == "running")
      return member.value("Member", member.value("name", ""));
  }
  return "";
}

class Patroni : public CliDriver {
 public:
  Patroni(const FaultSpec& spec, const std::filesystem::path& log_dir, std::string action)
      : CliDriver(spec, "patroni-" + action, {"config", "rest_api", "cluster", "candidate"},
                  log_dir),
        action_(std::move(action)) {
    config_ = optional("config");
    rest_api_ = optional("rest_api");
    if (config_.empty() == rest_api_.empty())
      settings_.fail(fmt::format(
          "driver patroni-{} needs one of `config` (the patronictl configuration file, as "
          "patronictl -c takes it) or `rest_api` (a member's REST API, http://host:8008)",
          action_));
    while (rest_api_.ends_with('/')) rest_api_.pop_back();
    cluster_ = optional("cluster");
    candidate_ = optional("candidate");
    if (action_ == "failover" && candidate_.empty())
      settings_.fail("a Patroni failover promotes a member you name: give `candidate`");
    target_ = candidate_.empty() ? (cluster_.empty() ? "cluster" : cluster_) : "to " + candidate_;
  }

  std::vector<std::string> plan() const override {
    const std::string check =
        FaultCommands::shown(members()) +
        (action_ == "switchover" ? " (until a running leader other than before)"
                                 : " (until " + candidate_ + " is the running leader)");
    if (action_ == "failover")
      return plan_of({{"inject", FaultCommands::shown(move(""))}, {"check", check}});
    return plan_of({{"before", FaultCommands::shown(members()) + " (the leader now)"},
                    {"inject", FaultCommands::shown(move(kLeaderBefore))},
                    {"check", check}});
  }

  void inject() override {
    // A switchover moves the leader away from the running one; a failover also works without one.
    const std::string before =
        action_ == "switchover" ? running_leader(commands_.run("before inject", members())) : "";
    if (action_ == "switchover" && before.empty())
      throw FaultError("the Patroni cluster has no running leader to switch over from");
    commands_.run("inject", move(before));
    commands_.wait_until_done(FaultCommands::shown(members()), "inject", [&] {
      const FaultCommands::Outcome now = commands_.call(members());
      if (now.status != 0) return fmt::format("it exited {}", now.status);
      const std::string leader = running_leader(now.output);
      const bool done = !leader.empty() && (candidate_.empty() || leader == candidate_) &&
                        (action_ == "failover" || leader != before);
      if (done) return std::string();
      return fmt::format("running leader '{}'{}", leader,
                         before.empty() ? std::string() : ", before " + before);
    });
  }

 private:
  Argv patronictl(std::initializer_list<std::string> words) const {
    Argv argv = {"patronictl", "-c", config_};
    argv.insert(argv.end(), words);
    if (!cluster_.empty()) argv.push_back(cluster_);
    return argv;
  }
  Argv members() const {
    if (!rest_api_.empty()) return {"curl", "-fsS", rest_api_ + "/cluster"};
    Argv argv = patronictl({"list"});
    argv.insert(argv.end(), {"-f", "json"});
    return argv;
  }
  Argv move(const std::string& leader) const {
    if (!rest_api_.empty()) {
      nlohmann::json body = nlohmann::json::object();
      if (action_ == "switchover") body["leader"] = leader;
      if (!candidate_.empty()) body["candidate"] = candidate_;
      return {"curl",   "-fsS",      "-X",
              "POST",   "-H",        "Content-Type: application/json",
              "--data", body.dump(), rest_api_ + "/" + action_};
    }
    Argv argv = patronictl({action_});
    if (action_ == "switchover") argv.insert(argv.end(), {"--leader", leader});
    if (!candidate_.empty()) argv.insert(argv.end(), {"--candidate", candidate_});
    argv.push_back("--force");
    return argv;
  }

  std::string action_, config_, rest_api_, cluster_, candidate_;
};

}  // namespace

std::unique_ptr<Fault> make_patroni_switchover(const FaultSpec& spec,
                                               const std::filesystem::path& log_dir) {
  return std::make_unique<Patroni>(spec, log_dir, "switchover");
}

std::unique_ptr<Fault> make_patroni_failover(const FaultSpec& spec,
                                             const std::filesystem::path& log_dir) {
  return std::make_unique<Patroni>(spec, log_dir, "failover");
}

}  // namespace loadgate
