// The reference service of the shared testbed, used as a client would use it.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

json testbed_state() {
  std::ifstream in(shared_testbed_dir() + "/state.json");
  REQUIRE(in);
  return json::parse(in);
}

HttpRequest post_json(const std::string& target, const json& body) {
  return {"POST", target, {{"Content-Type", "application/json"}}, body.dump()};
}

std::string login(const std::string& url, const std::string& user, const std::string& password) {
  HttpResponse res = http_call(url, post_json("/login", {{"user", user}, {"password", password}}));
  REQUIRE(res.status == 200);
  return json::parse(res.body)["token"];
}

// Runs scenarios/<scenario>.yaml against the shared testbed with `overrides` (" --set k=v ..."),
// requires it to complete, and returns its result.json.
json run_on_testbed(const std::string& scenario, const std::string& overrides,
                    const std::string& tag) {
  LoadgateRun run =
      run_on_shared_testbed(source_dir() + "/scenarios/" + scenario + ".yaml", overrides, tag);
  INFO(run.command.output);
  REQUIRE(run.command.exit_code == 0);
  return run.result;
}

// The steady phase's arrivals are exactly those its schedule holds; its requests are those that
// ended in it, so a few of the warmup's last may count there too.
void check_steady_requests(const json& w, int scheduled) {
  CHECK(w["scheduled"] == scheduled);
  CHECK(w["attempts"].get<int>() >= scheduled);
  CHECK(w["attempts"].get<int>() <= scheduled + scheduled / 50 + 2);
}

}  // namespace

TEST_CASE("a seeded user logs in and the token validates on every instance", "[testbed]") {
  json state = testbed_state();
  const std::vector<std::string> urls = state["service_urls"];
  REQUIRE(urls.size() == 2);
  // The pattern status prints: user{n} with password{n % 8}.
  const std::string token = login(urls[0], "user13", "password5");
  for (const auto& url : urls) {
    HttpResponse ok =
        http_call(url, {"GET", "/validate", {{"Authorization", "Bearer " + token}}, ""});
    CHECK(ok.status == 200);
    CHECK(json::parse(ok.body)["sub"] == "user13");
    HttpResponse bad =
        http_call(url, {"GET", "/validate", {{"Authorization", "Bearer " + token + "x"}}, ""});
    CHECK(bad.status == 401);
  }
}

TEST_CASE("a wrong password or an unknown user gets 401, a malformed body 400", "[testbed]") {
  const std::string url = testbed_state()["service_urls"][1];
  CHECK(
      http_call(url, post_json("/login", {{"user", "user13"}, {"password", "password4"}})).status ==
      401);
  CHECK(
      http_call(url, post_json("/login", {{"user", "nobody"}, {"password", "password0"}})).status ==
      401);
  CHECK(http_call(url, {"POST", "/login", {}, "{not json"}).status == 400);
  CHECK(http_call(url, {"GET", "/validate", {}, ""}).status == 401);
}

TEST_CASE("an item created through the DB pool reads back from any instance", "[testbed]") {
  json state = testbed_state();
  const std::string name = "item-from-test-" + std::to_string(::getpid());
  HttpResponse created = http_call(state["service_urls"][0],
                                   post_json("/api/v1/items", {{"name", name}, {"payload", "p"}}));
  REQUIRE(created.status == 201);
  const int64_t id = json::parse(created.body)["id"];
  CHECK(id > state["items"].get<int64_t>());
  HttpResponse read =
      http_call(state["service_urls"][1], {"GET", "/api/v1/items/" + std::to_string(id), {}, ""});
  REQUIRE(read.status == 200);
  CHECK(json::parse(read.body)["name"] == name);
  CHECK(http_call(state["service_urls"][0], {"GET", "/api/v1/items/99999999", {}, ""}).status ==
        404);
  CHECK(http_call(state["service_urls"][0], {"GET", "/api/v1/items/abc", {}, ""}).status == 400);
}

TEST_CASE("seeded items are there, and healthz answers", "[testbed]") {
  json state = testbed_state();
  const std::string url = state["service_urls"][0];
  CHECK(http_call(url, {"GET", "/healthz", {}, ""}).status == 200);
  HttpResponse item = http_call(url, {"GET", "/api/v1/items/1", {}, ""});
  REQUIRE(item.status == 200);
  CHECK(json::parse(item.body)["name"] == "item-1");
}

TEST_CASE("a login run counts the 401s of its wrong passwords as expected, not as errors",
          "[testbed]") {
  json w = run_on_testbed("login",
                          " --set phases.0.duration=1s --set phases.1.duration=3s"
                          " --set workloads.login.executor.rate=40/s"
                          " --set workloads.login.wrong_password_share=0.3",
                          "login")["workloads"][0];
  check_steady_requests(w, 120);
  CHECK(w["error_count"] == 0);
  CHECK(w["expected_failures"].get<int>() == Approx(36).margin(20));
}

TEST_CASE("api.yaml reads checked items and writes new ones through pgbouncer", "[testbed]") {
  json result = run_on_testbed("api",
                               " --set phases.0.duration=1s --set phases.1.duration=3s"
                               " --set workloads.items.ids.max=100",
                               "api");
  json w = result["workloads"][0];
  check_steady_requests(w, 600);
  CHECK(w["ok"] == w["attempts"]);  // every read echoed its id, every write got 201
  CHECK(w["error_count"] == 0);
  // Every write of the run (warmup too) was acknowledged and read back from the database.
  json ledger = result["ledgers"][0];
  CHECK(ledger["verified"] == true);
  CHECK(ledger["acknowledged"].get<int>() == Approx(80).margin(40));  // 10% of 800
  CHECK(ledger["acknowledged_present"] == ledger["acknowledged"]);
  CHECK(ledger["lost"] == 0);
}

TEST_CASE("jwt.yaml: expired, forged and malformed tokens all get 401 from the service",
          "[testbed]") {
  json w = run_on_testbed("jwt",
                          " --set phases.0.duration=1s --set phases.1.duration=2s"
                          " --set workloads.validate.executor.rate=500/s"
                          " --set workloads.validate.mix.valid=0.5",
                          "jwt")["workloads"][0];
  check_steady_requests(w, 1000);
  CHECK(w["error_count"] == 0);  // no invalid token was accepted, no valid one refused
  // The invalid kinds hold 0.1 of the 0.6 total share: about 167 of 1000 (sigma 12).
  CHECK(w["expected_failures"].get<int>() == Approx(167).margin(48));
}

TEST_CASE("mix.yaml runs logins, validations and API calls side by side, each on its own",
          "[testbed]") {
  json result = run_on_testbed("mix",
                               " --set phases.0.duration=1s --set phases.1.duration=3s"
                               " --set workloads.items.ids.max=100",
                               "mix");
  REQUIRE(result["workloads"].size() == 3);
  for (const json& w : result["workloads"]) {
    INFO(w["name"]);
    CHECK(w["error_count"] == 0);
    CHECK(w["attempts"].get<int>() > 0);
  }
}

TEST_CASE("login-then-use.yaml: each user's validations and API calls carry its login's token",
          "[testbed]") {
  json result = run_on_testbed("login-then-use",
                               " --set phases.0.duration=1s --set phases.1.duration=2s"
                               " --set workloads.items.ids.max=100"
                               // Users waiting for a token must still let the logins run.
                               " --set workloads.validate.executor.think=0s",
                               "flow");
  // Every user logged in once, at the start (the next login is 10 s later).
  json warmup = result["phases"][0]["workloads"];
  CHECK(warmup[0]["name"] == "login");
  CHECK(warmup[0]["ok"] == 10);
  // The validations mint nothing: each 200 is a token the service itself issued at login.
  REQUIRE(result["workloads"].size() == 3);  // login, and the two that use its tokens
  for (const json& w : result["workloads"]) {
    if (w["name"] == "login") continue;
    INFO(w["name"]);
    CHECK(w["error_count"] == 0);
    // As many calls as users at least: each token used, not one lucky call. How many more the
    // 2 s allow depends on the machine's load (CI runs two tests at once): a benchmark's
    // business, not this test's.
    CHECK(w["ok"].get<int>() >= 10);
  }
}

TEST_CASE("RS256 and ES256 tokens signed with the testbed's keys are verified by the service",
          "[testbed]") {
  for (const std::string algorithm : {"RS256", "ES256"}) {
    INFO(algorithm);
    json w = run_on_testbed("jwt",
                            " --set phases.0.duration=1s --set phases.1.duration=1s"
                            " --set workloads.validate.executor.rate=200/s"
                            " --set workloads.validate.tokens=50"
                            " --set workloads.validate.algorithm=" +
                                algorithm,
                            algorithm)["workloads"][0];
    check_steady_requests(w, 200);
    CHECK(w["error_count"] == 0);  // valid ones accepted; expired, forged, malformed refused
    CHECK(w["expected_failures"].get<int>() > 0);
  }
}
