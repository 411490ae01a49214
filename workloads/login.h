// kind: login: POST credentials, expect a token back; a share of wrong passwords expects 401.
//
//   login:
//     kind: login
//     executor: {type: constant-arrival-rate, rate: 5/s}
//     path: /login                                            # default
//     body: '{"user": "{{user}}", "password": "{{password}}"}' # default; values JSON-escaped
//     users_csv: users.csv          # "user,password" per line; default: the testbed's users
//     wrong_password_share: 0.05    # these expect 401, counted as expected failures
//     token_field: token            # a 200 must carry this JSON string field
// The token each virtual user gets back is kept for the workloads with `auth: {from: login}`
// (the login-then-use flow, token_book.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/text_template.h"
#include "harness/workload.h"
#include "workloads/token_book.h"
#include "workloads/workload_context.h"

namespace loadgate {

class Login : public Workload {
 public:
  // Reads and checks the workload's keys; throws ConfigError naming file:line.
  Login(const WorkloadSpec& spec, const WorkloadContext& context);

  void prepare() override {}
  HttpRequest next(Rng& rng) const override;
  Outcome judge(const HttpRequest& request, const HttpResponse& response) const override;

  static constexpr uint32_t kWrongPassword = 1;

 private:
  std::string path_ = "/login";
  std::optional<TextTemplate> body_;
  std::vector<Credential> users_;
  double wrong_password_share_ = 0;
  std::string token_field_ = "token";
  std::shared_ptr<TokenBook> tokens_;  // where this workload's users keep their tokens
};

// "user,password" lines (a first line "user,password" is a header); throws std::runtime_error
// naming the file and line of a malformed one.
std::vector<Credential> read_credentials_csv(const std::string& file);

}  // namespace loadgate
