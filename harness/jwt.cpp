#include "harness/jwt.h"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <nlohmann/json.hpp>

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

const unsigned char* key_bytes(const std::string& key) {
  return reinterpret_cast<const unsigned char*>(key.data());
}

// The "alg" of a token's header, unverified (libjwt 1.10 will not parse a signed token without
// its key, and the key depends on the algorithm). JWT_ALG_INVAL for anything malformed.
jwt_alg_t header_algorithm(const std::string& token) {
  const auto dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 512) return JWT_ALG_INVAL;
  std::string base64 = token.substr(0, dot);
  for (char& c : base64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (base64.size() % 4) base64 += '=';
  std::string header(base64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(header.data()),
                                reinterpret_cast<const unsigned char*>(base64.data()),
                                static_cast<int>(base64.size()));
  if (n < 0) return JWT_ALG_INVAL;
  header.resize(static_cast<size_t>(n));
  const auto parsed = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("alg") || !parsed["alg"].is_string())
    return JWT_ALG_INVAL;
  return jwt_str_alg(parsed["alg"].get_ref<const std::string&>().c_str());
}

jwt_alg_t libjwt_algorithm(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::HS256:
      return JWT_ALG_HS256;
    case JwtAlgorithm::RS256:
      return JWT_ALG_RS256;
    case JwtAlgorithm::ES256:
      return JWT_ALG_ES256;
  }
  return JWT_ALG_INVAL;
}

}  // namespace

PemKeyPair generate_jwt_key_pair(JwtAlgorithm algorithm) {
  EVP_PKEY* raw = algorithm == JwtAlgorithm::RS256   ? EVP_RSA_gen(2048)
                  : algorithm == JwtAlgorithm::ES256 ? EVP_EC_gen("P-256")
                                                     : nullptr;
  if (!raw)
    throw std::runtime_error(
        fmt::format("cannot generate a {} key pair", jwt_algorithm_name(algorithm)));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, &EVP_PKEY_free);
  auto to_pem = [&](bool private_part) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    const int ok = private_part ? PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr,
                                                           0, nullptr, nullptr)
                                : PEM_write_bio_PUBKEY(bio.get(), key.get());
    if (ok != 1) throw std::runtime_error("cannot write a PEM key");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(size));
  };
  return {to_pem(true), to_pem(false)};
}

std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name) {
  if (name == "HS256") return JwtAlgorithm::HS256;
  if (name == "RS256") return JwtAlgorithm::RS256;
  if (name == "ES256") return JwtAlgorithm::ES256;
  return std::nullopt;
}

std::string_view jwt_algorithm_name(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::HS256:
      return "HS256";
    case JwtAlgorithm::RS256:
      return "RS256";
    case JwtAlgorithm::ES256:
      return "ES256";
  }
  return "?";
}

std::string mint_jwt(const JwtClaims& claims, JwtAlgorithm algorithm, const std::string& key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: jwt_new failed");
  JwtPtr jwt(raw);
  if (jwt_add_grant(raw, "sub", claims.subject.c_str()) != 0 ||
      jwt_add_grant(raw, "iss", claims.issuer.c_str()) != 0 ||
      jwt_add_grant_int(raw, "iat", seconds_since_epoch(claims.issued_at)) != 0 ||
      jwt_add_grant_int(raw, "exp", seconds_since_epoch(claims.expires_at)) != 0 ||
      (!claims.audience.empty() && jwt_add_grant(raw, "aud", claims.audience.c_str()) != 0) ||
      jwt_set_alg(raw, libjwt_algorithm(algorithm), key_bytes(key), static_cast<int>(key.size())) !=
          0)
    throw std::runtime_error("libjwt: cannot build the token");
  std::unique_ptr<char, decltype(&free)> encoded(jwt_encode_str(raw), &free);
  if (!encoded)
    throw std::runtime_error(
        fmt::format("libjwt: cannot sign a {} token with this key", jwt_algorithm_name(algorithm)));
  return encoded.get();
}

std::optional<JwtClaims> verify_jwt(const std::string& token, const JwtKeys& keys,
                                    std::chrono::system_clock::time_point now) {
  // First only read the header's algorithm ...
  const jwt_alg_t named = header_algorithm(token);
  const std::string* key = named == JWT_ALG_HS256   ? &keys.hs256_secret
                           : named == JWT_ALG_RS256 ? &keys.rs256_public_pem
                           : named == JWT_ALG_ES256 ? &keys.es256_public_pem
                                                    : nullptr;
  if (!key || key->empty()) return std::nullopt;
  // ... then verify with that algorithm's own key, and insist the algorithm did not change.
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), key_bytes(*key), static_cast<int>(key->size())) != 0)
    return std::nullopt;
  JwtPtr jwt(raw);
  if (jwt_get_alg(raw) != named) return std::nullopt;
  errno = 0;
  long exp = jwt_get_grant_int(raw, "exp");
  if (errno != 0 || exp <= seconds_since_epoch(now)) return std::nullopt;
  JwtClaims claims;
  const char* sub = jwt_get_grant(raw, "sub");
  const char* iss = jwt_get_grant(raw, "iss");
  const char* aud = jwt_get_grant(raw, "aud");
  claims.subject = sub ? sub : "";
  claims.issuer = iss ? iss : "";
  claims.audience = aud ? aud : "";
  claims.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(exp));
  long iat = jwt_get_grant_int(raw, "iat");
  claims.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(iat));
  return claims;
}

}  // namespace loadgate
