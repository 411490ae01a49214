#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "harness/scenario.h"
#include "harness/text_template.h"
#include "tests/support/test_harness.h"
#include "workloads/login.h"

using namespace loadgate;
using Catch::Matchers::Contains;

TEST_CASE("templates fill their placeholders and JSON-escape values in JSON bodies") {
  TextTemplate body(R"({"user": "{{user}}", "password": "{{ password }}"})", {"user", "password"},
                    TextTemplate::Escape::json);
  CHECK(body.render({"ann", "p\"w\\x"}) == R"({"user": "ann", "password": "p\"w\\x"})");
  CHECK(body.uses("password"));
  TextTemplate path("/api/v1/items/{{id}}", {"id"});
  CHECK(path.render({"42"}) == "/api/v1/items/42");
  CHECK_THROWS_WITH(TextTemplate("/{{nope}}", {"id"}), Contains("unknown placeholder {{nope}}"));
  CHECK_THROWS_WITH(TextTemplate("/{{id", {"id"}), Contains("unclosed"));
}

TEST_CASE("a users CSV is read, and a malformed line is named") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto good = dir / "loadgate-users-good.csv";
  const auto bad = dir / "loadgate-users-bad.csv";
  std::ofstream(good) << "user,password\nann,secret1\r\nbob,p,with,commas\n";
  std::ofstream(bad) << "ann,secret1\nno-comma-here\n";
  auto users = read_credentials_csv(good.string());
  REQUIRE(users.size() == 2);
  CHECK(users[0].user == "ann");
  CHECK(users[0].password == "secret1");
  CHECK(users[1].password == "p,with,commas");
  CHECK_THROWS_WITH(read_credentials_csv(bad.string()), Contains("loadgate-users-bad.csv:2"));
}

namespace {

std::unique_ptr<Login> login_from(const std::string& settings, const WorkloadContext& context) {
  return std::make_unique<Login>(
      loadgate::test::workload_spec("    kind: login\n"
                                    "    executor: {type: constant-arrival-rate, rate: 1/s}\n" +
                                        settings,
                                    "l.yaml"),
      context);
}

}  // namespace

TEST_CASE("the login workload sends a wrong password at the configured share, and expects 401") {
  WorkloadContext context;
  context.seeded_users = {{"user1", "password1"}, {"user2", "password2"}};
  auto login = login_from("    wrong_password_share: 0.25\n", context);
  Rng rng(3);
  int wrong = 0;
  for (int i = 0; i < 4000; ++i) {
    HttpRequest request = login->next(rng);
    CHECK(request.method == "POST");
    const bool is_wrong = request.variant == Login::kWrongPassword;
    wrong += is_wrong;
    CHECK((request.body.find("-wrong") != std::string::npos) == is_wrong);
  }
  CHECK(wrong == Approx(1000).margin(100));

  HttpRequest wrong_request{"POST", "/login", {}, "", Login::kWrongPassword};
  HttpRequest right_request{"POST", "/login", {}, "", 0};
  CHECK(login->judge(wrong_request, {401, ""}).kind == Outcome::Kind::expected_failure);
  CHECK(login->judge(wrong_request, {200, R"({"token":"t"})"}).error_class ==
        "accepted_wrong_password");
  CHECK(login->judge(right_request, {200, R"({"token":"t"})"}).kind == Outcome::Kind::ok);
  CHECK(login->judge(right_request, {200, R"({"other":"t"})"}).error_class == "no_token");
  CHECK(login->judge(right_request, {401, ""}).error_class == "http_401");
}

TEST_CASE("the login workload says where its users should come from") {
  CHECK_THROWS_WITH(login_from("", {}), Contains("l.yaml:6:") && Contains("users_csv"));
  CHECK_THROWS_WITH(
      login_from("    wrong_password_share: 2\n", WorkloadContext{.seeded_users = {{"a", "b"}}}),
      Contains("between 0 and 1"));
  CHECK_THROWS_WITH(login_from("    users_csv: /nonexistent.csv\n", {}),
                    Contains("l.yaml:8:") && Contains("/nonexistent.csv"));
}
