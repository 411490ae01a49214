// A measured claim built in code, for tests that judge one.
#pragma once

#include <string>

#include "reports/claims.h"

namespace loadgate::test {

inline Claim claim_of(const std::string& metric, const std::string& expect) {
  Claim c;
  c.id = "c";
  c.metric = metric;
  c.expect = parse_expectation(expect);
  return c;
}

}  // namespace loadgate::test
