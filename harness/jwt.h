// HS256 JSON Web Tokens through libjwt: minted by the jwt workload and by the reference
// service's /login, verified by the service's /validate.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace loadgate {

struct JwtClaims {
  std::string subject;
  std::string issuer = "loadgate";
  std::chrono::system_clock::time_point issued_at;
  std::chrono::system_clock::time_point expires_at;
};

// Throws std::runtime_error when libjwt cannot encode (it only fails on allocation).
std::string mint_hs256(const JwtClaims& claims, const std::string& secret);

// The claims of a token signed with `secret` by HS256 that has not expired at `now`; nullopt
// for anything else (bad signature, another algorithm, "none", malformed, expired).
std::optional<JwtClaims> verify_hs256(const std::string& token, const std::string& secret,
                                      std::chrono::system_clock::time_point now);

}  // namespace loadgate
