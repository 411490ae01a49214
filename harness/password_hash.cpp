#include "harness/password_hash.h"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {
namespace {

// struct crypt_data is ~32 KB: one per thread, not one per call on the stack.
crypt_data& scratch() {
  thread_local auto data = std::make_unique<crypt_data>();
  return *data;
}

}  // namespace

std::string bcrypt_hash(const std::string& password, int cost) {
  if (cost < 4 || cost > 31)
    throw std::invalid_argument(fmt::format("bcrypt cost {} is not in 4..31", cost));
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                        sizeof setting))
    throw std::runtime_error("crypt_gensalt_rn failed");
  crypt_data& data = scratch();
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  if (!hash || hash[0] == '*') throw std::runtime_error("crypt_rn could not hash with bcrypt");
  return hash;
}

bool bcrypt_verify(const std::string& password, const std::string& hash) {
  crypt_data& data = scratch();
  const char* computed = crypt_rn(password.c_str(), hash.c_str(), &data, sizeof data);
  if (!computed || computed[0] == '*') return false;
  std::string_view result(computed);
  return result.size() == hash.size() &&
         CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
}

}  // namespace loadgate
