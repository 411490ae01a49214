#include <catch2/catch.hpp>

#include "harness/http_types.h"

using namespace loadgate;
using Catch::Matchers::Contains;

TEST_CASE("base URLs parse into scheme, host and port") {
  Endpoint e = parse_endpoint("http://127.0.0.1:8080");
  CHECK(e.scheme == "http");
  CHECK(e.host == "127.0.0.1");
  CHECK(e.port == 8080);
  CHECK(parse_endpoint("http://localhost/").port == 80);
  CHECK(parse_endpoint("http://[::1]:9000").host == "::1");
}

TEST_CASE("a bad URL is rejected with the URL in the message") {
  CHECK_THROWS_WITH(parse_endpoint("127.0.0.1:8080"), Contains("127.0.0.1:8080"));
  CHECK_THROWS_WITH(parse_endpoint("http://127.0.0.1:99999"), Contains("port"));
  CHECK_THROWS_WITH(parse_endpoint("http://127.0.0.1:80/api"), Contains("no path"));
  CHECK_THROWS_WITH(parse_endpoint("ftp://127.0.0.1"), Contains("scheme"));
}
