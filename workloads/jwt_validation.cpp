#include "workloads/jwt_validation.h"

#include <cstdlib>

#include <fmt/format.h>

#include "harness/jwt.h"
#include "workloads/secret_source.h"

namespace loadgate {

JwtValidation::JwtValidation(const WorkloadSpec& spec, const WorkloadContext& context) {
  const ConfigNode& node = spec.settings;
  node.allow_only(
      {"kind", "executor", "path", "algorithm", "secret_env", "secret_file", "tokens", "lifetime"});
  if (auto path = node.find("path")) {
    path_ = path->as_string();
    if (!path_.starts_with('/')) path->fail("a path starts with /");
  }
  if (auto algorithm = node.find("algorithm"); algorithm && algorithm->as_string() != "HS256")
    algorithm->fail(
        fmt::format("algorithm {} is not supported yet (HS256 is)", algorithm->as_string()));
  if (auto tokens = node.find("tokens"))
    token_count_ = static_cast<size_t>(tokens->as_integer(1, 1'000'000));
  if (auto lifetime = node.find("lifetime")) lifetime_ = lifetime->as_duration();
  secret_ = read_secret_setting(node, context.jwt_secret_file, "the JWT secret");
}

void JwtValidation::prepare() {
  const auto now = std::chrono::system_clock::now();
  const auto expires = now + std::chrono::duration_cast<std::chrono::seconds>(lifetime_);
  tokens_.clear();
  tokens_.reserve(token_count_);
  for (size_t i = 0; i < token_count_; ++i)
    tokens_.push_back(
        mint_hs256({fmt::format("user{}", i + 1), "loadgate", now, expires}, secret_));
  // The header values are built here, off the clock, not per request.
  authorizations_.clear();
  for (const auto& token : tokens_) authorizations_.push_back("Bearer " + token);
}

HttpRequest JwtValidation::next(Rng& rng) const {
  HttpRequest request;
  request.target = path_;
  request.headers.emplace_back("Authorization", authorizations_[rng() % authorizations_.size()]);
  return request;
}

Outcome JwtValidation::judge(const HttpRequest&, const HttpResponse& response) const {
  if (response.status == 200) return {};
  return {Outcome::Kind::error, fmt::format("http_{}", response.status)};
}

}  // namespace loadgate
