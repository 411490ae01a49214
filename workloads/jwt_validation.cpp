#include "workloads/jwt_validation.h"

#include <cstdlib>

#include <fmt/format.h>

#include "harness/jwt.h"
#include "harness/secret_source.h"
#include "harness/text_file.h"

namespace loadgate {

const std::array<const char*, JwtValidation::kinds> JwtValidation::kKindNames = {
    "valid", "expired", "wrong_signature", "malformed"};

JwtValidation::JwtValidation(const WorkloadSpec& spec, const WorkloadContext& context) {
  const ConfigNode& node = spec.settings;
  node.allow_only({"kind", "executor", "path", "algorithm", "secret_env", "secret_file",
                   "private_key_file", "tokens", "lifetime", "claims", "mix", "auth"});
  if (auto path = node.find("path")) {
    path_ = path->as_string();
    if (!path_.starts_with('/')) path->fail("a path starts with /");
  }
  auth_ = read_auth_setting(node, context);
  if (auth_) {
    // The tokens are the ones the service issued at login: nothing to mint or mix.
    for (const char* key : {"algorithm", "secret_env", "secret_file", "private_key_file", "tokens",
                            "lifetime", "claims", "mix"})
      if (node.has(key))
        node.at(key).fail("with auth: {from: ...} the tokens come from the logins; drop this key");
    return;
  }
  if (auto mix = node.find("mix")) {
    mix->allow_only({"valid", "expired", "wrong_signature", "malformed"});
    std::array<double, kinds> share{};
    double total = 0;
    for (uint32_t k = 0; k < kinds; ++k)
      if (auto value = mix->find(kKindNames[k])) {
        share[k] = value->as_number();
        if (share[k] < 0) value->fail("a share is not negative");
        total += share[k];
      }
    if (total <= 0) mix->fail("give at least one positive share");
    double sum = 0;
    for (uint32_t k = 0; k < kinds; ++k) cumulative_share_[k] = (sum += share[k]) / total;
  }
  if (auto algorithm = node.find("algorithm")) {
    auto parsed = parse_jwt_algorithm(algorithm->as_string());
    if (!parsed) algorithm->fail("expected HS256, RS256 or ES256");
    algorithm_ = *parsed;
  }
  if (auto tokens = node.find("tokens"))
    token_count_ = static_cast<size_t>(tokens->as_integer(1, 1'000'000));
  if (auto lifetime = node.find("lifetime")) lifetime_ = lifetime->as_duration();
  std::string subject = "user{{n}}";
  if (auto claims = node.find("claims")) {
    claims->allow_only({"sub", "iss", "aud", "iat_age"});
    if (auto sub = claims->find("sub")) subject = sub->as_string();
    if (auto iss = claims->find("iss")) issuer_ = iss->as_string();
    if (auto aud = claims->find("aud")) audience_ = aud->as_string();
    if (auto age = claims->find("iat_age")) iat_age_ = age->as_duration();
  }
  try {
    subject_.emplace(subject, std::vector<std::string>{"n"});
  } catch (const std::invalid_argument& e) {
    node.at("claims").at("sub").fail(e.what());
  }
  // Tokens are minted before the run: a "valid" one expiring mid-run would be a false 401.
  const Duration needed = context.run_duration + std::chrono::minutes(1);
  if (lifetime_ - iat_age_ < needed)
    (node.has("lifetime") ? node.at("lifetime") : node)
        .fail(fmt::format("lifetime {}{} is shorter than the run plus a minute ({}); valid "
                          "tokens would expire during it",
                          format_duration(lifetime_),
                          iat_age_ > Duration::zero() ? " less iat_age " + format_duration(iat_age_)
                                                      : std::string(),
                          format_duration(needed)));
  if (algorithm_ == JwtAlgorithm::HS256) {
    if (node.has("private_key_file"))
      node.at("private_key_file").fail("HS256 signs with secret_env or secret_file");
    signing_key_ = read_secret_setting(node, "secret", context.jwt_secret_file, "the JWT secret");
  } else {
    if (node.has("secret_env") || node.has("secret_file"))
      node.fail(fmt::format("{} signs with private_key_file, not a secret",
                            jwt_algorithm_name(algorithm_)));
    const std::string file = node.has("private_key_file") ? node.at("private_key_file").as_string()
                             : algorithm_ == JwtAlgorithm::RS256
                                 ? context.jwt_rs256_private_key_file
                                 : context.jwt_es256_private_key_file;
    if (file.empty()) node.fail("give private_key_file: PATH (a PEM private key)");
    auto pem = read_text_file(file);
    if (!pem || pem->empty()) {
      const std::string message = fmt::format("cannot read the private key {}", file);
      if (node.has("private_key_file")) node.at("private_key_file").fail(message);
      node.fail(message);
    }
    signing_key_ = std::move(*pem);
    try {  // a wrong key must fail here, with the file named, not in prepare()
      const auto now = std::chrono::system_clock::now();
      mint_jwt({"probe", "loadgate", now, now + lifetime_}, algorithm_, signing_key_);
    } catch (const std::runtime_error& e) {
      node.fail(fmt::format("{}: {}", file, e.what()));
    }
  }
}

void JwtValidation::prepare() {
  if (auth_) return;
  const auto now = std::chrono::system_clock::now() -
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(iat_age_);
  const auto expires = now + std::chrono::duration_cast<std::chrono::seconds>(lifetime_);
  // Forged tokens are signed with a key the target cannot know.
  const std::string other_key = algorithm_ == JwtAlgorithm::HS256
                                    ? signing_key_ + "-not-the-key"
                                    : generate_jwt_key_pair(algorithm_).private_pem;
  for (auto& pool : authorizations_) pool.clear();
  for (size_t i = 0; i < token_count_; ++i) {
    const std::string n = std::to_string(i + 1);
    const JwtClaims claims{subject_->render({n}), issuer_, now, expires, audience_};
    const std::string token = mint_jwt(claims, algorithm_, signing_key_);
    authorizations_[valid].push_back("Bearer " + token);
    JwtClaims stale = claims;
    stale.issued_at = now - std::chrono::hours(2);
    stale.expires_at = now - std::chrono::hours(1);
    authorizations_[expired].push_back("Bearer " + mint_jwt(stale, algorithm_, signing_key_));
    authorizations_[wrong_signature].push_back("Bearer " + mint_jwt(claims, algorithm_, other_key));
    // Three shapes of garbage: not a JWT at all, a JWT cut short, a payload that is not JSON.
    const std::string header = token.substr(0, token.find('.'));
    const std::string malformed_token[] = {
        "not-a-jwt", token.substr(0, token.rfind('.')),
        header + ".bm90IGpzb24." + token.substr(token.rfind('.') + 1)};
    authorizations_[malformed].push_back("Bearer " + malformed_token[i % 3]);
  }
}

HttpRequest JwtValidation::next(Rng& rng) const {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  uint32_t kind = valid;
  while (kind + 1 < kinds && u >= cumulative_share_[kind]) ++kind;
  const auto& pool = authorizations_[kind];
  HttpRequest request;
  request.target = path_;
  request.variant = kind;
  request.headers.emplace_back("Authorization", pool[rng() % pool.size()]);
  return request;
}

HttpRequest JwtValidation::next_for(Rng& rng, size_t vu) const {
  if (!auth_) return next(rng);
  HttpRequest request;
  request.target = path_;
  request.variant = valid;
  if (auto token = auth_->get(vu, rng))
    request.headers.emplace_back("Authorization", "Bearer " + *token);
  else
    request.without_token = true;
  return request;
}

Outcome JwtValidation::judge(const HttpRequest& request, const HttpResponse& response) const {
  if (request.variant == valid) {
    if (response.status == 200) return {};
    return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
  }
  if (response.status == 401) return {Outcome::Kind::expected_failure, {}};
  if (response.status == 200) {
    static const auto kAccepted = [] {
      std::array<ErrorClass, kinds> accepted;
      for (size_t k = 0; k < kinds; ++k)
        accepted[k] = ErrorClass(fmt::format("accepted_{}_token", kKindNames[k]));
      return accepted;
    }();
    return {Outcome::Kind::error, kAccepted[request.variant]};
  }
  return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
}

}  // namespace loadgate
