#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "harness/scenario.h"
#include "tests/support/test_harness.h"
#include "workloads/api.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

std::unique_ptr<Api> api_from(const std::string& settings) {
  return std::make_unique<Api>(
      loadgate::test::workload_spec("    kind: api\n"
                                    "    executor: {type: constant-arrival-rate, rate: 1/s}\n" +
                                        settings,
                                    "a.yaml"),
      WorkloadContext{});
}

const std::string kMix =
    "    ids: {min: 1, max: 100}\n"
    "    requests:\n"
    "      - {name: read, weight: 3, path: \"/items/{{id}}\", check: {field: id, equals: "
    "\"{{id}}\"}}\n"
    "      - {name: write, weight: 1, method: POST, path: /items, expect: 201,"
    " body: '{\"name\": \"{{uid}}\"}'}\n";

}  // namespace

TEST_CASE("the api workload mixes its calls by weight and fills their templates") {
  auto api = api_from(kMix);
  Rng rng(5);
  std::map<std::string, int> methods;
  std::set<std::string> uids;
  for (int i = 0; i < 8000; ++i) {
    HttpRequest request = api->next(rng);
    ++methods[request.method];
    if (request.method == "GET") {
      CHECK(request.target == "/items/" + request.tag);
      const int id = std::stoi(request.tag);
      CHECK((id >= 1 && id <= 100));
    } else {
      CHECK(request.body.size() == std::string(R"({"name": "0123456789abcdef"})").size());
      uids.insert(request.body);
    }
  }
  CHECK(methods["GET"] == Approx(6000).margin(250));
  CHECK(uids.size() == static_cast<size_t>(methods["POST"]));  // every write is unique
}

TEST_CASE("the api workload judges status and the echoed field") {
  auto api = api_from(kMix);
  HttpRequest read{"GET", "/items/7", {}, "", 0, "7"};
  HttpRequest write{"POST", "/items", {}, "{}", 1, ""};
  CHECK(api->judge(read, {200, R"({"id": 7, "name": "x"})"}).kind == Outcome::Kind::ok);
  CHECK(api->judge(read, {200, R"({"id": 8})"}).error_class == "check_failed");
  CHECK(api->judge(read, {404, ""}).error_class == "http_404");
  CHECK(api->judge(write, {201, R"({"id": 1001})"}).kind == Outcome::Kind::ok);
  CHECK(api->judge(write, {200, ""}).error_class == "http_200");
}

TEST_CASE("Zipf ids favour the low ids by the exponent") {
  IdDistribution zipf(1, 1000, 1.0);
  Rng rng(9);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 100000; ++i) ++seen[zipf.draw(rng)];
  // P(1) = 1/H(1000) ≈ 0.1336, P(2) half of it.
  CHECK(seen[1] / 100000.0 == Approx(0.1336).margin(0.005));
  CHECK(static_cast<double>(seen[1]) / seen[2] == Approx(2.0).margin(0.15));
  CHECK(seen.rbegin()->first <= 1000);
}

TEST_CASE("the api workload names what is wrong in its requests") {
  CHECK_THROWS_WITH(api_from("    requests:\n      - {path: \"/items/{{idx}}\"}\n"),
                    Contains("a.yaml:9:") && Contains("unknown placeholder {{idx}}"));
  CHECK_THROWS_WITH(api_from("    requests:\n      - {path: /x, weight: 0}\n"), Contains("weight"));
  CHECK_THROWS_WITH(api_from("    requests:\n      - {path: /x, method: get}\n"),
                    Contains("a.yaml:9:") && Contains("not an HTTP method"));
  CHECK_THROWS_WITH(api_from("    ids: {distribution: pareto}\n    requests: [{path: /x}]\n"),
                    Contains("uniform or zipf"));
}

TEST_CASE("api writes with {{write_id}} land in the ledger by how their requests ended") {
  setenv("LOADGATE_TEST_DB_PASSWORD", "pw", 1);
  auto api = api_from(
      "    requests:\n"
      "      - {method: POST, path: /items, expect: 201,"
      " body: '{\"write_id\": \"{{write_id}}\"}'}\n"
      "    ledger: {dsn: \"host=127.0.0.1 port=1 dbname=app\","
      " password_env: LOADGATE_TEST_DB_PASSWORD}\n");
  REQUIRE(api->ledger());
  Rng rng(1);
  std::set<std::string> ids;
  auto send = [&] {
    HttpRequest request = api->next(rng);
    CHECK_THAT(request.body, Contains(request.write_id));
    CHECK(ids.insert(request.write_id).second);  // unique
    return request;
  };
  CHECK(api->judge(send(), {201, "{}"}).kind == Outcome::Kind::ok);   // acknowledged
  CHECK(api->judge(send(), {400, ""}).kind == Outcome::Kind::error);  // refused: failed
  CHECK(api->judge(send(), {503, ""}).kind == Outcome::Kind::error);  // may have committed
  api->unanswered(send(), /*maybe_delivered=*/true);                  // reset after sending
  api->unanswered(send(), /*maybe_delivered=*/false);                 // never connected
  const LedgerResult counts = api->ledger()->counts();
  CHECK(counts.acknowledged == 1);
  CHECK(counts.failed == 2);
  CHECK(counts.in_doubt == 2);
}

TEST_CASE("an api ledger needs a request that writes {{write_id}}") {
  CHECK_THROWS_WITH(api_from(kMix + "    ledger: {query: \"SELECT 1 WHERE $1 IS NULL\"}\n"),
                    Contains("a.yaml:") && Contains("no request uses {{write_id}}"));
}

TEST_CASE("api calls with auth: {from: login} carry their user's token, or wait unsent for one") {
  WorkloadContext context;
  context.token_books["login"] = std::make_shared<TokenBook>(2);
  Api api(loadgate::test::workload_spec("    kind: api\n"
                                        "    executor: {type: constant-vus, vus: 2}\n"
                                        "    auth: {from: login}\n" +
                                            kMix,
                                        "t.yaml"),
          context);
  Rng rng(3);
  context.token_books["login"]->put(0, "token-of-0");
  HttpRequest with = api.next_for(rng, 0);
  CHECK_FALSE(with.without_token);
  CHECK(std::find(with.headers.begin(), with.headers.end(),
                  std::pair<std::string, std::string>{"Authorization", "Bearer token-of-0"}) !=
        with.headers.end());
  CHECK(api.next_for(rng, 1).without_token);  // user 1 has not logged in yet

  CHECK_THROWS_WITH(Api(loadgate::test::workload_spec("    kind: api\n"
                                                      "    executor: {type: constant-vus, vus: 2}\n"
                                                      "    auth: {from: logon}\n" +
                                                          kMix,
                                                      "u.yaml"),
                        context),
                    Contains("u.yaml:8:") && Contains("'logon' is not a login workload") &&
                        Contains("logins: login"));
}
