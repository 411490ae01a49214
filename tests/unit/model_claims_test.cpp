// Model claims: a document's arithmetic checked with the deployment's own numbers.
#include <catch2/catch.hpp>

#include "reports/claims.h"
#include "reports/model_expression.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

Claim model_claim(const std::string& model, const std::map<std::string, double>& given,
                  const std::string& expect) {
  Claim c;
  c.id.assign(1, 'm');  // not = "m": GCC 12 -O2 misreads that as an overlapping memcpy
  c.model.emplace(model);
  c.metric = "model: " + model;
  c.given = given;
  c.expect = parse_expectation(expect);
  return c;
}

}  // namespace

TEST_CASE("model expressions: arithmetic, functions and named numbers, nothing else") {
  auto lookup = [](const std::string& name) -> std::optional<double> {
    if (name == "a") return 2;
    if (name == "b") return 25;
    return std::nullopt;
  };
  CHECK(ModelExpression("a * b + 12").evaluate(lookup) == 62);
  CHECK(ModelExpression("200 - (a * b + 12)").evaluate(lookup) == 138);
  CHECK(ModelExpression("ceil(1750 / 120)").evaluate(lookup) == 15);
  CHECK(ModelExpression("min(50, 200 / a) - -1").evaluate(lookup) == 51);
  CHECK(ModelExpression("floor(b / 10) * max(a, 1.5)").evaluate(lookup) == 4);
  CHECK(ModelExpression("a * b / a").names() == std::vector<std::string>{"a", "b"});
  CHECK_THROWS_WITH(ModelExpression("a *"), Contains("column 4"));
  CHECK_THROWS_WITH(ModelExpression("system(1)"), Contains("no function system()"));
  CHECK_THROWS_WITH(ModelExpression("min(1)"), Contains("takes 2 argument"));
  CHECK_THROWS_WITH(ModelExpression("(a"), Contains("expected ')'"));
  CHECK_THROWS_WITH(ModelExpression("a / (b - 25)").evaluate(lookup), Contains("division by zero"));
  CHECK_THROWS_WITH(ModelExpression("a + c").evaluate(lookup), Contains("no value for 'c'"));
}

TEST_CASE("a model claim uses the deployment's numbers over the document's") {
  const Claim claim = model_claim(
      "pgbouncer_instances * default_pool_size + reserved",
      {{"pgbouncer_instances", 2}, {"default_pool_size", 25}, {"reserved", 12}}, "<= 62");
  RunResult run;
  auto v = judge(claim, run);
  CHECK(v.status == ClaimVerdict::Status::held);
  CHECK(v.measured == "62");
  CHECK_THAT(v.detail, Contains("pgbouncer_instances=2 (document)"));
  run.deployment.topology["pgbouncer_instances"] = 3;
  v = judge(claim, run);
  CHECK(v.status == ClaimVerdict::Status::broken);
  CHECK(v.measured == "87");
  CHECK_THAT(v.detail, Contains("pgbouncer_instances=3 (deployment)"));
  // service_instances comes from the deployment's instance count too.
  run.deployment.instances = 4;
  v = judge(model_claim("service_instances * pools", {}, "== 8"), run);
  CHECK(v.status == ClaimVerdict::Status::not_measured);
  CHECK_THAT(v.detail, Contains("no value for 'pools'") && Contains("target.topology"));
  CHECK(judge(model_claim("service_instances * pools", {{"pools", 2}}, "== 8"), run).status ==
        ClaimVerdict::Status::held);
  // Computed equality is within rounding.
  CHECK(judge(model_claim("1750 / 5000", {}, "== 0.35"), run).status == ClaimVerdict::Status::held);
}
