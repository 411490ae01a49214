// bcrypt ($2b$) hashing and verification through libxcrypt, shared by the testbed's seeding, the
// reference service's /login and the bcrypt calibration benchmark.
#pragma once

#include <string>

namespace loadgate {

// A fresh $2b$ hash of `password` at `cost` (4..31). Throws std::invalid_argument on a bad cost.
std::string bcrypt_hash(const std::string& password, int cost);

// Whether `password` matches `hash`, in time independent of where they differ.
bool bcrypt_verify(const std::string& password, const std::string& hash);

}  // namespace loadgate
