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
