#include <catch2/catch.hpp>

#include "harness/jwt.h"
#include "harness/password_hash.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("a minted HS256 token verifies with its secret and fails with another") {
  const auto now = std::chrono::system_clock::now();
  const std::string token = mint_hs256({"user7", "loadgate", now, now + 1h}, "secret-one");
  auto claims = verify_hs256(token, "secret-one", now);
  REQUIRE(claims);
  CHECK(claims->subject == "user7");
  CHECK_FALSE(verify_hs256(token, "secret-two", now));
}

TEST_CASE("an expired, tampered or malformed token does not verify") {
  const auto now = std::chrono::system_clock::now();
  const std::string token = mint_hs256({"user7", "loadgate", now - 2h, now - 1h}, "s");
  CHECK_FALSE(verify_hs256(token, "s", now));
  std::string tampered = mint_hs256({"user7", "loadgate", now, now + 1h}, "s");
  tampered[tampered.find('.') + 3] ^= 1;
  CHECK_FALSE(verify_hs256(tampered, "s", now));
  CHECK_FALSE(verify_hs256("not.a.token", "s", now));
  // alg "none", unsigned: must never pass as HS256.
  CHECK_FALSE(
      verify_hs256("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5fQ.", "s", now));
}

TEST_CASE("bcrypt hashes verify the right password only") {
  const std::string hash = bcrypt_hash("password3", 4);
  CHECK(hash.starts_with("$2b$04$"));
  CHECK(bcrypt_verify("password3", hash));
  CHECK_FALSE(bcrypt_verify("password4", hash));
  CHECK_THROWS(bcrypt_hash("x", 3));
}

TEST_CASE("RS256 and ES256 tokens verify with their public key and with no other") {
  const auto now = std::chrono::system_clock::now();
  for (JwtAlgorithm algorithm : {JwtAlgorithm::RS256, JwtAlgorithm::ES256}) {
    INFO(jwt_algorithm_name(algorithm));
    const PemKeyPair ours = generate_jwt_key_pair(algorithm);
    const PemKeyPair theirs = generate_jwt_key_pair(algorithm);
    const std::string token =
        mint_jwt({"user3", "loadgate", now, now + 1h}, algorithm, ours.private_pem);
    JwtKeys trusted, other;
    (algorithm == JwtAlgorithm::RS256 ? trusted.rs256_public_pem : trusted.es256_public_pem) =
        ours.public_pem;
    (algorithm == JwtAlgorithm::RS256 ? other.rs256_public_pem : other.es256_public_pem) =
        theirs.public_pem;
    auto claims = verify_jwt(token, trusted, now);
    REQUIRE(claims);
    CHECK(claims->subject == "user3");
    CHECK_FALSE(verify_jwt(token, other, now));
  }
}

TEST_CASE("a public key is never accepted as an HS256 secret (algorithm confusion)") {
  const auto now = std::chrono::system_clock::now();
  const PemKeyPair rsa = generate_jwt_key_pair(JwtAlgorithm::RS256);
  // An attacker signs HS256 with the (public) RSA key as the HMAC secret.
  const std::string forged =
      mint_jwt({"admin", "x", now, now + 1h}, JwtAlgorithm::HS256, rsa.public_pem);
  CHECK_FALSE(verify_jwt(forged, JwtKeys{"", rsa.public_pem, ""}, now));
  CHECK_FALSE(verify_jwt(forged, JwtKeys{"the-real-secret", rsa.public_pem, ""}, now));
}
