// The ready fault drivers against fake aws / patronictl / curl / kubectl on PATH: each runs
// exactly the commands its plan prints, waits until the fake system says it is done, gives up at
// its timeout with what it last saw, and refuses keys and kinds that are not its own at the line.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "faults/fault_factory.h"
#include "harness/scenario.h"
#include "tests/support/fake_tools.h"
#include "tests/support/test_harness.h"

using namespace loadgate;
using namespace loadgate::test;
using Catch::Contains;
using Catch::StartsWith;
using Strings = std::vector<std::string>;

namespace {

// Fresh fake tools first on PATH, and the faults they drive.
struct Fakes {
  // One directory a process: CTest may run the cases side by side.
  FakeTools tools{std::filesystem::temp_directory_path() /
                  ("loadgate-ready-drivers-" + std::to_string(getpid()))};
  PathPrefix path{tools.dir()};

  std::unique_ptr<Fault> fault(const std::string& yaml) const {
    return make_fault(with_fault(yaml).faults.at(0), FaultContext{std::nullopt, tools.log_dir()});
  }
};

std::unique_ptr<Fault> refused(const std::string& yaml) {
  return make_fault(with_fault(yaml).faults.at(0), FaultContext{});
}

constexpr const char* kFast = ", check_every: 10ms, timeout: 2s";

}  // namespace

TEST_CASE("aws-rds-failover reboots with failover and polls the instance until it is available") {
  Fakes fakes;
  auto fault = fakes.fault(std::string("  - {kind: failover, driver: aws-rds-failover, at: 10s, "
                                       "db_instance: app-db") +
                           kFast + "}\n");
  CHECK(fault->driver() == "aws-rds-failover");
  CHECK(fault->describe() == "failover by aws-rds-failover app-db");
  CHECK(fault->plan() ==
        Strings{"inject:  aws rds reboot-db-instance --db-instance-identifier app-db "
                "--force-failover",
                "check:   aws rds describe-db-instances --db-instance-identifier app-db --query "
                "'DBInstances[0].DBInstanceStatus' --output text (until available)"});
  fakes.tools.answer("describe-db-instances", {"rebooting", "rebooting", "available"});
  fault->inject();
  fault->recover();  // a failover is not undone
  const std::string describe =
      "aws rds describe-db-instances --db-instance-identifier app-db --query "
      "DBInstances[0].DBInstanceStatus --output text";
  CHECK(fakes.tools.calls() ==
        Strings{"aws rds reboot-db-instance --db-instance-identifier app-db --force-failover",
                describe, describe, describe});

  SECTION("an instance that never comes back fails the check at the timeout, saying its status") {
    auto stuck = fakes.fault(
        "  - {kind: failover, driver: aws-rds-failover, at: 10s, db_instance: app-db, "
        "check_every: 20ms, timeout: 300ms}\n");
    fakes.tools.answer("describe-db-instances", {"rebooting"});
    CHECK_THROWS_WITH(stuck->inject(), Contains("did not pass within 300ms after inject") &&
                                           Contains("it said 'rebooting'") &&
                                           Contains("aws-rds-failover.log"));
  }
  SECTION("a failing aws call fails the inject, naming the call and its exit status") {
    fakes.tools.answer("reboot-db-instance", {"!254"});
    CHECK_THROWS_WITH(fault->inject(),
                      Contains("inject `aws rds reboot-db-instance") && Contains("exited 254"));
  }
}

TEST_CASE("aws-aurora-failover waits for the cluster to be available with another writer") {
  Fakes fakes;
  auto fault = fakes.fault(std::string("  - {kind: failover, driver: aws-aurora-failover, at: 10s, "
                                       "db_cluster: app, target_instance: db-2") +
                           kFast + "}\n");
  const std::string state =
      "aws rds describe-db-clusters --db-cluster-identifier app --query "
      "DBClusters[0].[Status,DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier|[0]] "
      "--output text";
  CHECK_THAT(fault->plan().at(1),
             Contains("inject:  aws rds failover-db-cluster --db-cluster-identifier app "
                      "--target-db-instance-identifier db-2"));
  // Still `available` right after the call: not done until the writer moved.
  fakes.tools.answer("describe-db-clusters",
                     {"available\\tdb-1", "available\\tdb-1", "failing-over\\tdb-1",
                      "failing-over\\tdb-1", "available\\tdb-2"});
  fault->inject();
  CHECK(fakes.tools.calls() == Strings{state,
                                       "aws rds failover-db-cluster --db-cluster-identifier app "
                                       "--target-db-instance-identifier db-2",
                                       state, state, state, state});

  SECTION("a writer that never moves times out, saying the status and the writer before") {
    auto stuck = fakes.fault(
        "  - {kind: failover, driver: aws-aurora-failover, at: 10s, db_cluster: app, "
        "check_every: 20ms, timeout: 300ms}\n");
    fakes.tools.answer("describe-db-clusters", {"available\\tdb-1"});
    CHECK_THROWS_WITH(stuck->inject(), Contains("it said 'available\tdb-1' (the writer before: "
                                                "db-1)"));
  }
}

TEST_CASE(
    "aws-ecs-stop-task stops the first running task and waits until it stopped and the "
    "service is stable") {
  Fakes fakes;
  auto fault = fakes.fault(std::string("  - {kind: service-restart, driver: aws-ecs-stop-task, "
                                       "at: 10s, cluster: app, service: pgbouncer") +
                           kFast + "}\n");
  CHECK(fault->describe() == "service-restart by aws-ecs-stop-task app/pgbouncer");
  CHECK(fault->plan().at(1) ==
        "inject:  aws ecs stop-task --cluster app --task '<that task>' --reason loadgate");
  fakes.tools.answer("list-tasks", {"arn:aws:ecs:eu-west-1:1:task/app/abc"});
  fakes.tools.answer("describe-tasks", {"RUNNING", "STOPPED"});
  fakes.tools.answer("services-stable", {"!255", ""});
  fault->inject();
  const std::string describe =
      "aws ecs describe-tasks --cluster app --tasks arn:aws:ecs:eu-west-1:1:task/app/abc --query "
      "tasks[0].lastStatus --output text";
  const std::string stable = "aws ecs wait services-stable --cluster app --services pgbouncer";
  CHECK(fakes.tools.calls() ==
        Strings{"aws ecs list-tasks --cluster app --service-name pgbouncer --desired-status "
                "RUNNING --query taskArns[0] --output text",
                "aws ecs stop-task --cluster app --task arn:aws:ecs:eu-west-1:1:task/app/abc "
                "--reason loadgate",
                describe, describe, stable, stable});

  SECTION("a service with no running task is said so, and nothing is stopped") {
    fakes.tools.answer("list-tasks", {"None"});
    CHECK_THROWS_WITH(fault->inject(), Contains("service pgbouncer of cluster app has no running "
                                                "task to stop"));
    CHECK_THAT(fakes.tools.calls().back(), StartsWith("aws ecs list-tasks"));
  }
}

TEST_CASE(
    "aws-aurora-scale-to-zero lets the cluster pause, waits for 0 ACU, and restores the "
    "scaling it found, after a crash too") {
  Fakes fakes;
  const std::string yaml =
      "  - {kind: wake, driver: aws-aurora-scale-to-zero, at: 0s, db_cluster: app, "
      "check_every: 10ms, timeout: 6m}\n";
  auto fault = fakes.fault(yaml);
  CHECK(fault->plan().at(1) ==
        "inject:  aws rds modify-db-cluster --db-cluster-identifier app "
        "--serverless-v2-scaling-configuration "
        "'MinCapacity=0,MaxCapacity=<as before>,SecondsUntilAutoPause=300' --apply-immediately");
  fakes.tools.answer("describe-db-clusters", {"0.5\\t8.0"});
  fakes.tools.answer("get-metric-statistics", {"2.0", "None", "0.0"});
  fault->inject();
  fault->recover();
  const Strings calls = fakes.tools.calls();
  REQUIRE(calls.size() == 7);
  const std::string scaling =
      "aws rds describe-db-clusters --db-cluster-identifier app --query "
      "DBClusters[0].ServerlessV2ScalingConfiguration.[MinCapacity,MaxCapacity] --output text";
  CHECK(calls[0] == scaling);
  CHECK(calls[1] ==
        "aws rds modify-db-cluster --db-cluster-identifier app "
        "--serverless-v2-scaling-configuration "
        "MinCapacity=0,MaxCapacity=8.0,SecondsUntilAutoPause=300 --apply-immediately");
  for (size_t i = 2; i < 5; ++i)
    CHECK_THAT(calls[i], StartsWith("aws cloudwatch get-metric-statistics --namespace AWS/RDS "
                                    "--metric-name ServerlessDatabaseCapacity --dimensions "
                                    "Name=DBClusterIdentifier,Value=app --start-time 20") &&
                             Contains("--query sort_by(Datapoints,&Timestamp)[-1].Maximum"));
  const std::string restore =
      "aws rds modify-db-cluster --db-cluster-identifier app "
      "--serverless-v2-scaling-configuration MinCapacity=0.5,MaxCapacity=8.0 --apply-immediately";
  CHECK(calls[5] == restore);
  CHECK(calls[6] == scaling);

  SECTION("made afresh by `loadgate recover`, it restores what the injecting run found") {
    auto afresh = fakes.fault(yaml);
    afresh->assume_injected();
    afresh->recover();
    CHECK(fakes.tools.calls().at(7) == restore);
  }
  SECTION("a recover before anything was changed changes nothing") {
    auto untouched = fakes.fault(yaml);
    untouched->recover();
    CHECK(fakes.tools.calls().size() == 7);
  }
  SECTION("a timeout shorter than the idle time before a pause is refused at the line") {
    CHECK_THROWS_WITH(refused("  - {kind: wake, driver: aws-aurora-scale-to-zero, at: 0s, "
                              "db_cluster: app, seconds_until_auto_pause: 600, timeout: 5m}\n"),
                      Contains("f.yaml:7:") && Contains("timeout: 15m or more"));
  }
}

TEST_CASE(
    "patroni-switchover moves the leader away through patronictl, patroni-failover "
    "promotes the candidate through the REST API") {
  Fakes fakes;
  const std::string leader_1 = R"([{"Member": "pg-1", "Role": "Leader", "State": "running"},)"
                               R"( {"Member": "pg-2", "Role": "Replica", "State": "streaming"}])";
  const std::string leader_2 = R"([{"Member": "pg-1", "Role": "Replica", "State": "stopped"},)"
                               R"( {"Member": "pg-2", "Role": "Leader", "State": "running"}])";

  SECTION("switchover: the leader before, then a different running leader") {
    auto fault = fakes.fault(std::string("  - {kind: failover, driver: patroni-switchover, at: "
                                         "10s, config: /etc/patroni.yml, cluster: demo") +
                             kFast + "}\n");
    CHECK(fault->plan().at(1) ==
          "inject:  patronictl -c /etc/patroni.yml switchover demo --leader '<the leader before>' "
          "--force");
    fakes.tools.answer("list", {leader_1, leader_1, leader_2});
    fault->inject();
    const std::string list = "patronictl -c /etc/patroni.yml list demo -f json";
    CHECK(fakes.tools.calls() ==
          Strings{list, "patronictl -c /etc/patroni.yml switchover demo --leader pg-1 --force",
                  list, list});
  }
  SECTION("failover over REST: the candidate in a JSON body, then /cluster until it leads") {
    auto fault = fakes.fault(std::string("  - {kind: failover, driver: patroni-failover, at: 10s, "
                                         "rest_api: 'http://127.0.0.1:8008/', candidate: pg-2") +
                             kFast + "}\n");
    fakes.tools.answer(
        "cluster", {R"({"members": [{"name": "pg-1", "role": "leader", "state": "running"}]})",
                    R"({"members": [{"name": "pg-2", "role": "leader", "state": "running"}]})"});
    fault->inject();
    CHECK(fakes.tools.calls() ==
          Strings{"curl -fsS -X POST -H Content-Type: application/json --data "
                  R"({"candidate":"pg-2"} http://127.0.0.1:8008/failover)",
                  "curl -fsS http://127.0.0.1:8008/cluster",
                  "curl -fsS http://127.0.0.1:8008/cluster"});
  }
  SECTION("a switchover that leaves the same leader times out, naming it") {
    auto fault = fakes.fault(
        "  - {kind: failover, driver: patroni-switchover, at: 10s, config: p.yml, "
        "check_every: 20ms, timeout: 300ms}\n");
    fakes.tools.answer("list", {leader_1});
    CHECK_THROWS_WITH(fault->inject(), Contains("running leader 'pg-1', before pg-1"));
  }
  SECTION("a failover names its candidate, and one of config or rest_api is given") {
    CHECK_THROWS_WITH(
        refused("  - {kind: failover, driver: patroni-failover, at: 10s, config: p.yml}\n"),
        Contains("f.yaml:7:") && Contains("give `candidate`"));
    CHECK_THROWS_WITH(refused("  - {kind: failover, driver: patroni-switchover, at: 10s}\n"),
                      Contains("f.yaml:7:") && Contains("needs one of `config`"));
  }
}

TEST_CASE(
    "kubectl deletes one running pod and waits for Ready, or restarts a rollout and "
    "waits for its status") {
  Fakes fakes;
  SECTION("delete_pod, in the named context and namespace") {
    auto fault = fakes.fault(std::string("  - {kind: pgbouncer-restart, driver: kubectl, at: 10s, "
                                         "delete_pod: app=pgbouncer, namespace: staging, "
                                         "context: eks") +
                             kFast + "}\n");
    fakes.tools.answer("get", {"pgbouncer-7c9"});
    fakes.tools.answer("wait", {"!1", ""});
    fault->inject();
    const std::string wait =
        "kubectl --context eks --namespace staging wait --for=condition=Ready pod -l "
        "app=pgbouncer --timeout=2s";
    CHECK(fakes.tools.calls() ==
          Strings{"kubectl --context eks --namespace staging get pods -l app=pgbouncer "
                  "--field-selector=status.phase=Running -o jsonpath={.items[0].metadata.name}",
                  "kubectl --context eks --namespace staging delete pod pgbouncer-7c9 --wait=true",
                  wait, wait});
  }
  SECTION("rollout_restart") {
    auto fault = fakes.fault(std::string("  - {kind: service-restart, driver: kubectl, at: 10s, "
                                         "rollout_restart: deployment/api") +
                             kFast + "}\n");
    CHECK(
        fault->plan() ==
        Strings{"inject:  kubectl rollout restart deployment/api",
                "check:   kubectl rollout status deployment/api --timeout=2s (until it exits 0)"});
    fault->inject();
    CHECK(fakes.tools.calls() == Strings{"kubectl rollout restart deployment/api",
                                         "kubectl rollout status deployment/api --timeout=2s"});
  }
  SECTION("no pod to delete is said so") {
    auto fault = fakes.fault(std::string("  - {kind: pgbouncer-restart, driver: kubectl, at: 10s, "
                                         "delete_pod: app=none") +
                             kFast + "}\n");
    CHECK_THROWS_WITH(fault->inject(), Contains("no running pod matches app=none"));
  }
  SECTION("exactly one of delete_pod and rollout_restart") {
    CHECK_THROWS_WITH(
        refused("  - {kind: pgbouncer-restart, driver: kubectl, at: 10s, delete_pod: a=b, "
                "rollout_restart: deployment/x}\n"),
        Contains("f.yaml:7:") && Contains("needs one of `delete_pod`"));
    CHECK_THROWS_WITH(
        refused("  - {kind: pgbouncer-restart, driver: kubectl, at: 10s, rollout_restart: api}\n"),
        Contains("expected kind/name, like deployment/api"));
  }
}

TEST_CASE("a ready driver refuses keys and kinds that are not its own, naming the line") {
  CHECK_THROWS_WITH(refused("  - {kind: failover, driver: aws-rds-failover, at: 10s,\n"
                            "     db_instance: app-db,\n     db_cluster: app}\n"),
                    Contains("f.yaml:9:") && Contains("unknown key 'db_cluster'"));
  CHECK_THROWS_WITH(refused("  - {kind: failover, driver: aws-rds-failover, at: 10s}\n"),
                    Contains("f.yaml:7:") && Contains("driver aws-rds-failover needs "
                                                      "`db_instance`: the instance to fail over"));
  CHECK_THROWS_WITH(
      refused("  - {kind: wake, driver: aws-rds-failover, at: 10s, db_instance: app-db}\n"),
      Contains("driver aws-rds-failover does failover faults, not wake") &&
          Contains("takes driver: aws-aurora-scale-to-zero or command or testbed"));
  CHECK_THROWS_WITH(
      refused("  - {kind: failover, driver: aws-ecs-stop-task, at: 10s, cluster: a, service: b}\n"),
      Contains("driver aws-ecs-stop-task does pgbouncer-restart or a kind of your own faults, "
               "not failover"));
  CHECK_THROWS_WITH(refused("  - {kind: network, driver: kubectl, at: 10s, delete_pod: a=b}\n"),
                    Contains("takes driver: command or proxy"));
}

TEST_CASE("a ready driver's plan names the environment's variables, never their values") {
  Fakes fakes;
  auto fault = fakes.fault(
      "  - {kind: failover, driver: aws-rds-failover, at: 10s, db_instance: app-db,\n"
      "     env: {AWS_PROFILE: staging-admin, AWS_REGION: eu-west-1}}\n");
  const Strings plan = fault->plan();
  CHECK(std::count(plan.begin(), plan.end(), "env:     AWS_PROFILE") == 1);
  CHECK(std::count(plan.begin(), plan.end(), "env:     AWS_REGION") == 1);
  for (const auto& line : plan) CHECK_THAT(line, !Contains("staging-admin"));
}
