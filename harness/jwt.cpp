#include "harness/jwt.h"

#include <memory>
#include <stdexcept>

#include <jwt.h>

namespace loadgate {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

long seconds_since_epoch(std::chrono::system_clock::time_point t) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

const unsigned char* key_bytes(const std::string& secret) {
  return reinterpret_cast<const unsigned char*>(secret.data());
}

}  // namespace

std::string mint_hs256(const JwtClaims& claims, const std::string& secret) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: jwt_new failed");
  JwtPtr jwt(raw);
  if (jwt_add_grant(raw, "sub", claims.subject.c_str()) != 0 ||
      jwt_add_grant(raw, "iss", claims.issuer.c_str()) != 0 ||
      jwt_add_grant_int(raw, "iat", seconds_since_epoch(claims.issued_at)) != 0 ||
      jwt_add_grant_int(raw, "exp", seconds_since_epoch(claims.expires_at)) != 0 ||
      jwt_set_alg(raw, JWT_ALG_HS256, key_bytes(secret), static_cast<int>(secret.size())) != 0)
    throw std::runtime_error("libjwt: cannot build the token");
  std::unique_ptr<char, decltype(&free)> encoded(jwt_encode_str(raw), &free);
  if (!encoded) throw std::runtime_error("libjwt: cannot encode the token");
  return encoded.get();
}

std::optional<JwtClaims> verify_hs256(const std::string& token, const std::string& secret,
                                      std::chrono::system_clock::time_point now) {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), key_bytes(secret), static_cast<int>(secret.size())) != 0)
    return std::nullopt;
  JwtPtr jwt(raw);
  // libjwt 1.10 accepts any algorithm the token names; only HS256 is ours.
  if (jwt_get_alg(raw) != JWT_ALG_HS256) return std::nullopt;
  errno = 0;
  long exp = jwt_get_grant_int(raw, "exp");
  if (errno != 0 || exp <= seconds_since_epoch(now)) return std::nullopt;
  JwtClaims claims;
  const char* sub = jwt_get_grant(raw, "sub");
  const char* iss = jwt_get_grant(raw, "iss");
  claims.subject = sub ? sub : "";
  claims.issuer = iss ? iss : "";
  claims.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(exp));
  long iat = jwt_get_grant_int(raw, "iat");
  claims.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(iat));
  return claims;
}

}  // namespace loadgate
