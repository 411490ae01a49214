#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "harness/jwt.h"
#include "harness/scenario.h"
#include "tests/support/test_harness.h"
#include "workloads/jwt_validation.h"
#include "workloads/workload_factory.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

const WorkloadSpec& spec_from(const std::string& workload_yaml) {
  return loadgate::test::workload_spec(workload_yaml, "w.yaml");
}

// The jwt workload is an HTTP one.
std::unique_ptr<Workload> make_http_workload(const WorkloadSpec& spec,
                                             const WorkloadContext& context) {
  return make_workload(spec, context).http;
}

}  // namespace

TEST_CASE("the jwt workload pre-mints tokens that verify with the configured secret") {
  setenv("LOADGATE_TEST_JWT_SECRET", "test-secret", 1);
  auto workload =
      make_http_workload(spec_from("    kind: jwt\n"
                                   "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                                   "    secret_env: LOADGATE_TEST_JWT_SECRET\n"
                                   "    tokens: 5\n"),
                         {});
  workload->prepare();
  Rng rng(1);
  HttpRequest request = workload->next(rng);
  CHECK(request.target == "/validate");
  REQUIRE(request.headers.size() == 1);
  const std::string token = request.headers[0].second.substr(std::string("Bearer ").size());
  CHECK(verify_hs256(token, "test-secret", std::chrono::system_clock::now()));
  CHECK_FALSE(verify_hs256(token, "other-secret", std::chrono::system_clock::now()));
  CHECK(workload->judge(request, {200, ""}).kind == Outcome::Kind::ok);
  Outcome rejected = workload->judge(request, {401, ""});
  CHECK(rejected.kind == Outcome::Kind::error);
  CHECK(rejected.error_class == "http_401");
}

TEST_CASE("the jwt workload names what is missing or wrong in its settings") {
  unsetenv("LOADGATE_TEST_UNSET_SECRET");
  const std::string executor = "    executor: {type: constant-arrival-rate, rate: 1/s}\n";
  SECTION("an unset secret variable") {
    CHECK_THROWS_WITH(
        make_workload(spec_from("    kind: jwt\n" + executor +
                                "    secret_env: LOADGATE_TEST_UNSET_SECRET\n"),
                      {}),
        Contains("w.yaml:8:") && Contains("LOADGATE_TEST_UNSET_SECRET") && Contains("not set"));
  }
  SECTION("no secret at all, and no testbed to take it from") {
    CHECK_THROWS_WITH(make_workload(spec_from("    kind: jwt\n" + executor), {}),
                      Contains("secret_env"));
  }
  SECTION("an unsupported algorithm") {
    CHECK_THROWS_WITH(
        make_workload(spec_from("    kind: jwt\n" + executor + "    algorithm: HS512\n"),
                      WorkloadContext{.jwt_secret_file = "/dev/null"}),
        Contains("w.yaml:8:") && Contains("HS256, RS256 or ES256"));
  }
  SECTION("RS256 without a private key, or with a secret instead") {
    CHECK_THROWS_WITH(
        make_workload(spec_from("    kind: jwt\n" + executor + "    algorithm: RS256\n"), {}),
        Contains("private_key_file"));
    CHECK_THROWS_WITH(
        make_workload(spec_from("    kind: jwt\n" + executor +
                                "    algorithm: ES256\n    secret_env: LOADGATE_TEST_JWT_SECRET\n"),
                      {}),
        Contains("not a secret"));
  }
  SECTION("a private key file that holds no key is named") {
    CHECK_THROWS_WITH(
        make_workload(spec_from("    kind: jwt\n" + executor +
                                "    algorithm: RS256\n    private_key_file: /etc/hostname\n"),
                      {}),
        Contains("w.yaml:") && Contains("/etc/hostname"));
  }
  SECTION("tokens that would expire before the run ends") {
    WorkloadContext context;
    context.run_duration = std::chrono::hours(2);
    CHECK_THROWS_WITH(make_workload(spec_from("    kind: jwt\n" + executor +
                                              "    secret_env: HOME\n    lifetime: 1h\n"),
                                    context),
                      Contains("w.yaml:9:") && Contains("shorter than the run"));
  }
  SECTION("an unknown workload kind") {
    CHECK_THROWS_WITH(make_workload(spec_from("    kind: graphql\n" + executor), {}),
                      Contains("w.yaml:6:") && Contains("unknown workload kind 'graphql'"));
  }
}

TEST_CASE("the jwt token mix sends each kind at its share, each judged by what it should get") {
  setenv("LOADGATE_TEST_JWT_SECRET", "test-secret", 1);
  auto workload = make_http_workload(
      spec_from("    kind: jwt\n"
                "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                "    secret_env: LOADGATE_TEST_JWT_SECRET\n"
                "    tokens: 30\n"
                "    mix: {valid: 0.6, expired: 0.2, wrong_signature: 0.1, malformed: 0.1}\n"),
      {});
  workload->prepare();
  Rng rng(2);
  const auto now = std::chrono::system_clock::now();
  std::array<int, JwtValidation::kinds> sent{};
  for (int i = 0; i < 10000; ++i) {
    HttpRequest request = workload->next(rng);
    ++sent[request.variant];
    const std::string token = request.headers[0].second.substr(std::string("Bearer ").size());
    // Only the valid kind verifies: the others are what a service must turn away.
    CHECK(static_cast<bool>(verify_hs256(token, "test-secret", now)) ==
          (request.variant == JwtValidation::valid));
  }
  CHECK(sent[JwtValidation::valid] == Approx(6000).margin(250));
  CHECK(sent[JwtValidation::expired] == Approx(2000).margin(200));
  CHECK(sent[JwtValidation::malformed] == Approx(1000).margin(150));

  HttpRequest expired{"GET", "/validate", {}, "", JwtValidation::expired};
  CHECK(workload->judge(expired, {401, ""}).kind == Outcome::Kind::expected_failure);
  CHECK(workload->judge(expired, {200, ""}).error_class == "accepted_expired_token");
}

TEST_CASE("the jwt workload mints the sub, iss, aud and iat its claims ask for") {
  setenv("LOADGATE_TEST_JWT_SECRET", "test-secret", 1);
  auto workload = make_http_workload(
      spec_from(
          "    kind: jwt\n"
          "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
          "    secret_env: LOADGATE_TEST_JWT_SECRET\n"
          "    tokens: 3\n"
          "    claims: {sub: \"svc-{{n}}\", iss: auth.example, aud: orders-api, iat_age: 30s}\n"),
      {});
  workload->prepare();
  Rng rng(1);
  const auto now = std::chrono::system_clock::now();
  std::set<std::string> subjects;
  for (int i = 0; i < 50; ++i) {
    const HttpRequest request = workload->next(rng);
    const std::string token = request.headers[0].second.substr(std::string("Bearer ").size());
    const auto claims = verify_hs256(token, "test-secret", now);
    REQUIRE(claims);
    subjects.insert(claims->subject);
    CHECK(claims->issuer == "auth.example");
    CHECK(claims->audience == "orders-api");
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - claims->issued_at);
    CHECK(age.count() >= 29);
    CHECK(age.count() <= 32);
  }
  CHECK(subjects == std::set<std::string>{"svc-1", "svc-2", "svc-3"});
  CHECK_THROWS_WITH(
      make_workload(spec_from("    kind: jwt\n"
                              "    executor: {type: constant-arrival-rate, rate: 1/s}\n"
                              "    secret_env: LOADGATE_TEST_JWT_SECRET\n"
                              "    claims: {subject: x}\n"),
                    {}),
      Contains("w.yaml:9:") && Contains("unknown key 'subject'"));
}
