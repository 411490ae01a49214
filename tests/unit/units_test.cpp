#include <catch2/catch.hpp>

#include "harness/units.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("durations are read with their units, compound ones too") {
  CHECK(parse_duration("30s") == Duration(30s));
  CHECK(parse_duration("200ms") == Duration(200ms));
  CHECK(parse_duration("1m30s") == Duration(90s));
  CHECK(parse_duration("1.5h") == Duration(5400s));
  CHECK(parse_duration("250us") == Duration(250us));
}

TEST_CASE("a duration without a unit, or with an unknown one, is rejected") {
  CHECK_FALSE(parse_duration("30"));
  CHECK_FALSE(parse_duration("30 s"));
  CHECK_FALSE(parse_duration("30sec"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("s"));
}

TEST_CASE("rates are requests per unit of time") {
  CHECK(parse_rate_per_second("200/s") == Approx(200));
  CHECK(parse_rate_per_second("60/m") == Approx(1));
  CHECK(parse_rate_per_second("3600/h") == Approx(1));
  CHECK(parse_rate_per_second("0.5/s") == Approx(0.5));
  CHECK_FALSE(parse_rate_per_second("200"));
  CHECK_FALSE(parse_rate_per_second("0/s"));
  CHECK_FALSE(parse_rate_per_second("200/ms"));
  CHECK_FALSE(parse_rate_per_second("abc/s"));
}

TEST_CASE("durations print the way a scenario writes them") {
  using namespace std::chrono_literals;
  CHECK(format_duration(Duration{}) == "0s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(30s) == "30s");
  CHECK(format_duration(630s) == "10m30s");
  CHECK(format_duration(22min) == "22m");
  CHECK(format_duration(3900s) == "1h5m");
}
