// What a workload may need to know about its target beyond the scenario: filled in by the
// CLI from the testbed state (or left empty for a real deployment, where the scenario names
// its secrets by environment variable or file).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/units.h"

namespace loadgate {

class TokenBook;

struct Credential {
  std::string user;
  std::string password;
};

struct WorkloadContext {
  std::string jwt_secret_file = {};  // the testbed's HS256 secret, when the target is a testbed
  std::string jwt_rs256_private_key_file = {};  // the testbed's RS256 signing key (PEM)
  std::string jwt_es256_private_key_file = {};  // the testbed's ES256 signing key (PEM)
  std::vector<Credential> seeded_users = {};    // the testbed's users, when it is the target
  Duration run_duration = {};  // how long the run lasts: pre-minted tokens must outlive it
  // The testbed's databases as a client reaches them: one DSN per pgbouncer, no password.
  std::vector<std::string> database_dsns = {};
  // The testbed's endpoint (the RDS DNS name), for a client without pgbouncer (`via: endpoint`).
  std::string database_endpoint_dsn = {};
  std::string db_password_file = {};
  // Each login workload's tokens by workload name, for `auth: {from: NAME}` (token_book.h).
  std::map<std::string, std::shared_ptr<TokenBook>> token_books = {};
};

}  // namespace loadgate
