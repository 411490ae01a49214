// kind: jwt: GET /validate with a Bearer token, expecting 200.
//
//   validate:
//     kind: jwt
//     executor: {type: constant-arrival-rate, rate: 200/s}
//     path: /validate          # default
//     algorithm: HS256         # the only one for now
//     secret_env: JWT_SECRET   # or secret_file: path; on a testbed, the testbed's secret
//     tokens: 1000             # distinct tokens, minted before the run (off the clock)
//     lifetime: 1h             # exp - iat of each token
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/workload.h"
#include "workloads/workload_context.h"

namespace loadgate {

class JwtValidation : public Workload {
 public:
  // Reads and checks the workload's keys; throws ConfigError naming file:line.
  JwtValidation(const WorkloadSpec& spec, const WorkloadContext& context);

  void prepare() override;
  HttpRequest next(Rng& rng) const override;
  Outcome judge(const HttpRequest& request, const HttpResponse& response) const override;

  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  std::string path_ = "/validate";
  std::string secret_;
  size_t token_count_ = 1000;
  Duration lifetime_ = std::chrono::hours(1);
  std::vector<std::string> tokens_;
  std::vector<std::string> authorizations_;  // "Bearer <token>", one per token
};

}  // namespace loadgate
