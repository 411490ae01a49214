// kind: jwt: GET /validate with a Bearer token, expecting 200.
//
//   validate:
//     kind: jwt
//     executor: {type: constant-arrival-rate, rate: 200/s}
//     path: /validate          # default
//     algorithm: HS256         # or RS256, ES256
//     secret_env: JWT_SECRET   # HS256: or secret_file: path; on a testbed, the testbed's secret
//     private_key_file: k.pem  # RS256/ES256 signing key; on a testbed, the testbed's
//     tokens: 1000             # distinct tokens, minted before the run (off the clock)
//     lifetime: 1h             # exp - iat of each token
//     claims: {sub: "user{{n}}", iss: loadgate, aud: my-api, iat_age: 30s}
//                              # the defaults but aud (none); {{n}} is the token's number, and
//                              # iat is iat_age before minting (a verifier's clock skew)
//     mix: {valid: 0.9, expired: 0.04, wrong_signature: 0.03, malformed: 0.03}
//     auth: {from: login}      # instead of minting: each virtual user sends the token its login
//                              # returned (the login-then-use flow, token_book.h)
// A valid token expects 200; the others expect 401 and count as expected failures, and a 200
// for one of them is the error accepted_<kind>_token.
#pragma once

#include <array>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/jwt.h"
#include "harness/scenario.h"
#include "harness/text_template.h"
#include "harness/workload.h"
#include "workloads/token_book.h"
#include "workloads/workload_context.h"

namespace loadgate {

class JwtValidation : public Workload {
 public:
  // Reads and checks the workload's keys; throws ConfigError naming file:line.
  JwtValidation(const WorkloadSpec& spec, const WorkloadContext& context);

  void prepare() override;
  HttpRequest next(Rng& rng) const override;
  HttpRequest next_for(Rng& rng, size_t vu) const override;
  Outcome judge(const HttpRequest& request, const HttpResponse& response) const override;

  enum TokenKind : uint32_t { valid, expired, wrong_signature, malformed, kinds };
  static const std::array<const char*, kinds> kKindNames;

 private:
  std::string path_ = "/validate";
  JwtAlgorithm algorithm_ = JwtAlgorithm::HS256;
  std::string signing_key_;  // the HS256 secret, or the RS256/ES256 private key (PEM)
  size_t token_count_ = 1000;
  Duration lifetime_ = std::chrono::hours(1);
  std::optional<TextTemplate> subject_;  // {{n}}: the token's number
  std::string issuer_ = "loadgate";
  std::string audience_;
  Duration iat_age_{};
  std::array<double, kinds> cumulative_share_{1, 1, 1, 1};
  // "Bearer <token>" values by kind, built before the run so minting is off the clock.
  std::array<std::vector<std::string>, kinds> authorizations_;
  std::shared_ptr<TokenBook> auth_;  // auth: {from: login}: its users' tokens instead
};

}  // namespace loadgate
