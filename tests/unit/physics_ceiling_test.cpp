// Physics ceilings: the calibration measures what one core does, survives its file, and a
// capacity claim above ceiling × vCPUs is broken as physically impossible, whatever was measured.
#include <catch2/catch.hpp>

#include <filesystem>

#include "harness/calibration.h"
#include "harness/text_file.h"
#include "reports/claims.h"
#include "tests/support/claim_fixtures.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using loadgate::test::claim_of;
using namespace std::chrono_literals;

namespace {

// A login workload that kept up with 4/s for 10 s, on instances of `vcpu` vCPUs whose bcrypt
// verification at cost 12 does 4.8/s a core.
RunResult login_run(double vcpu, size_t instances = 1) {
  RunResult run;
  run.recorded_duration = 10s;
  WorkloadResult w;
  w.name = "login";
  w.offered_rate = 4;
  w.scheduled = 40;
  w.ok = 40;
  for (int i = 0; i < 40; ++i) w.latency.record(200'000);
  run.workloads.push_back(w);
  run.deployment.instances = instances;
  run.deployment.vcpu_per_instance = vcpu;
  run.deployment.ceilings["login"] = {4.8, "bcrypt verification at cost 12"};
  return run;
}

}  // namespace

TEST_CASE("a capacity claim above the physics ceiling is broken as physically impossible") {
  // Seed 003: "bcrypt verification: ~50-100 logins/sec (at cost factor 12)" per instance.
  const auto v = judge(claim_of("login.throughput_per_instance", ">= 50/s"), login_run(1));
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK_THAT(v.detail, Contains("the ceiling on 1 vCPU for bcrypt verification at cost 12 is "
                                "4.8/s: the claim of 50.0/s is physically impossible"));
  // Without physics it would be "not measured": the run offered only 4/s.
  RunResult unknown = login_run(1);
  unknown.deployment.ceilings.clear();
  const auto plain = judge(claim_of("login.throughput_per_instance", ">= 50/s"), unknown);
  CHECK(plain.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(plain.detail, Contains("offered 4.0/s, below the claimed 50.0/s"));
}

TEST_CASE("the ceiling scales with the vCPUs the metric is per, and stays silent when unknown") {
  // 16 vCPUs an instance: 76.8/s, so 50/s is possible; only not offered.
  CHECK(judge(claim_of("login.throughput_per_instance", ">= 50/s"), login_run(16)).status ==
        ClaimVerdict::Status::not_measured);
  // Per vCPU: 4.8/s whatever the instance has.
  CHECK_THAT(judge(claim_of("login.capacity_per_vcpu", ">= 5/s"), login_run(16)).detail,
             Contains("the ceiling on 1 vCPU for bcrypt verification at cost 12 is 4.8/s"));
  // The whole deployment: 3 instances of 2 vCPUs, 28.8/s.
  CHECK_THAT(judge(claim_of("login.throughput", ">= 30/s"), login_run(2, 3)).detail,
             Contains("the ceiling on 3 instances of 2 vCPU for bcrypt verification at cost 12 "
                      "is 28.8/s"));
  // vCPUs unknown: no ceiling to judge by.
  CHECK(judge(claim_of("login.throughput_per_instance", ">= 50/s"), login_run(0)).status ==
        ClaimVerdict::Status::not_measured);
  // An upper bound is no capacity claim.
  CHECK(judge(claim_of("login.throughput_per_instance", "<= 50/s"), login_run(1)).status ==
        ClaimVerdict::Status::held);
}

TEST_CASE("a claim that held above the ceiling says the calibration is suspect") {
  const auto v = judge(claim_of("login.throughput_per_instance", ">= 4/s"), [] {
    RunResult run = login_run(1);
    run.deployment.ceilings["login"].per_core = 2;
    return run;
  }());
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK_THAT(v.detail, Contains("yet the ceiling on 1 vCPU") && Contains("check the calibration"));
}

TEST_CASE("calibration measures bcrypt per cost and JWT per algorithm, and survives its file") {
  const Calibration c = calibrate({4, 6}, 50ms);
  REQUIRE(c.bcrypt_verify_per_core.size() == 2);
  // Each cost doubles the work: cost 6 is about a quarter of cost 4's rate.
  CHECK(c.bcrypt_verify_per_core.at(6) < c.bcrypt_verify_per_core.at(4) / 2);
  REQUIRE(c.jwt_verify_per_core.size() == 3);
  // A shared-secret HMAC is cheaper to check than an RSA or ECDSA signature.
  CHECK(c.jwt_verify_per_core.at("HS256") > c.jwt_verify_per_core.at("RS256"));
  CHECK(c.jwt_verify_per_core.at("HS256") > c.jwt_verify_per_core.at("ES256"));
  const auto file = std::filesystem::temp_directory_path() / "loadgate-calibration-test.json";
  write_text_file(file, calibration_to_json(c).dump());
  const Calibration back = read_calibration(file);
  CHECK(back.cpu == c.cpu);
  CHECK(back.bcrypt_verify_per_core == c.bcrypt_verify_per_core);
  CHECK(back.jwt_verify_per_core == c.jwt_verify_per_core);
  write_text_file(file, R"({"schema": "loadgate.result/4"})");
  CHECK_THROWS_WITH(read_calibration(file),
                    Contains(file.string() + ": not a calibration (write one with `loadgate "
                                             "calibrate -o"));
  std::filesystem::remove(file);
}
