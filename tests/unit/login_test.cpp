#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

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

TEST_CASE("a token book keeps each virtual user's token, and any token in the open model") {
  TokenBook book(3);
  Rng rng(1);
  CHECK_FALSE(book.get(0, rng));
  CHECK_FALSE(book.get(kAnyVu, rng));
  book.put(1, "t1");
  CHECK_FALSE(book.get(0, rng));  // user 0 has not logged in
  CHECK(book.get(1, rng) == "t1");
  CHECK(book.get(4, rng) == "t1");  // more users than login users: v mod 3
  book.put(1, "t1-again");
  CHECK(book.get(1, rng) == "t1-again");  // the last login's token
  TokenBook open(2);
  open.put(kAnyVu, "a");
  for (int i = 0; i < 10; ++i) CHECK(open.get(kAnyVu, rng) == "a");
  open.put(kAnyVu, "b");
  open.put(kAnyVu, "c");  // two slots: "c" replaces "a"
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(*open.get(kAnyVu, rng));
  CHECK(seen == std::set<std::string>{"b", "c"});
  // Closed-model logins, an open-model user: any token there is, wherever it is filed.
  TokenBook mixed(10);
  mixed.put(7, "seven");
  for (int i = 0; i < 10; ++i) CHECK(mixed.get(kAnyVu, rng) == "seven");
}

TEST_CASE("a successful login files its token under its virtual user for auth: {from: login}") {
  WorkloadContext context;
  context.seeded_users = {{"user1", "password1"}};
  context.token_books["w"] = std::make_shared<TokenBook>(4);
  Login login(loadgate::test::workload_spec(
                  "    kind: login\n    executor: {type: constant-vus, vus: 4}\n", "l.yaml"),
              context);
  Rng rng(1);
  HttpRequest request = login.next_for(rng, 2);
  request.vu = 2;
  CHECK(login.judge(request, {200, R"({"token": "issued-for-2"})"}).kind == Outcome::Kind::ok);
  CHECK(context.token_books["w"]->get(2, rng) == "issued-for-2");
  CHECK_FALSE(context.token_books["w"]->get(1, rng));
}
