// JSON Web Tokens through libjwt, HS256 (shared secret), RS256 and ES256 (PEM keys): minted by
// the jwt workload and the reference service's /login, verified by the service's /validate.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace loadgate {

enum class JwtAlgorithm { HS256, RS256, ES256 };
std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name);
std::string_view jwt_algorithm_name(JwtAlgorithm algorithm);

struct JwtClaims {
  std::string subject;
  std::string issuer = "loadgate";
  std::chrono::system_clock::time_point issued_at;
  std::chrono::system_clock::time_point expires_at;
  std::string audience = {};  // empty: no aud claim
};

// `key` is the shared secret for HS256 and a PEM private key for RS256 and ES256. Throws
// std::runtime_error when libjwt cannot sign with it (a wrong or unreadable key).
std::string mint_jwt(const JwtClaims& claims, JwtAlgorithm algorithm, const std::string& key);
inline std::string mint_hs256(const JwtClaims& claims, const std::string& secret) {
  return mint_jwt(claims, JwtAlgorithm::HS256, secret);
}

// A fresh key pair for RS256 (RSA 2048) or ES256 (EC P-256), as PEM text.
struct PemKeyPair {
  std::string private_pem;
  std::string public_pem;
};
PemKeyPair generate_jwt_key_pair(JwtAlgorithm algorithm);

// What a verifier trusts: one key per algorithm it accepts (an empty one is not accepted).
struct JwtKeys {
  std::string hs256_secret;
  std::string rs256_public_pem;
  std::string es256_public_pem;
};

// The claims of a token signed with the key of the algorithm its header names, not expired at
// `now`; nullopt for anything else (bad signature, an algorithm without a key, "none",
// malformed, expired). The key is chosen by the header and the algorithm checked again after
// verification, so an RS256 public key can never be used as an HS256 secret.
std::optional<JwtClaims> verify_jwt(const std::string& token, const JwtKeys& keys,
                                    std::chrono::system_clock::time_point now);
inline std::optional<JwtClaims> verify_hs256(const std::string& token, const std::string& secret,
                                             std::chrono::system_clock::time_point now) {
  return verify_jwt(token, JwtKeys{secret, "", ""}, now);
}

}  // namespace loadgate
