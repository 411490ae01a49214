// The testbed's reference service: the application the seeds describe, small enough to read.
//   POST /login              {"user","password"} → bcrypt verify → 200 {"token"} or 401
//   GET  /validate           Authorization: Bearer <HS256 JWT> → 200 or 401, no database
//   GET  /api/v1/items/{id}  → 200 item JSON or 404, through the DB pool
//   POST /api/v1/items       {"name","payload"} → 201 {"id"}, through the DB pool
//   GET  /healthz            → 200
// bcrypt runs on its own threads, queries on the pool's, so neither blocks other requests.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "harness/asio.h"
#include "harness/jwt.h"
#include "testbed/service/db_pool.h"

namespace loadgate::testbed {

struct ServiceConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;
  std::string db_conninfo;  // with the password
  JwtKeys jwt_keys;         // HS256 secret (also used to issue tokens), RS256 and ES256 public keys
  size_t pool_size = 25;
  unsigned bcrypt_threads = 2;
  int decoy_bcrypt_cost = 12;  // match the seeded hashes, so unknown users cost the same
  std::chrono::seconds token_lifetime{900};
  // A planted leak, for testing leak detection (`loadgate soak`'s RSS slope): every request
  // keeps this many bytes, written so that they are resident, for the life of the process.
  size_t leak_per_request = 0;
};

class ReferenceService {
 public:
  ReferenceService(asio::io_context& io, ServiceConfig config);
  ~ReferenceService();
  awaitable<void> serve();

 private:
  struct Routes;
  awaitable<void> session(tcp::socket socket);

  // Order matters: everything slow is ready before the acceptor opens the port, because the
  // testbed takes an open port to mean "ready to serve".
  ServiceConfig config_;
  std::mutex leaked_mutex_;
  std::vector<std::unique_ptr<char[]>> leaked_;  // the planted leak: never freed until exit
  std::string decoy_hash_;
  DbPool db_;
  asio::thread_pool bcrypt_threads_;
  std::unique_ptr<Routes> routes_;
  tcp::acceptor acceptor_;
};

}  // namespace loadgate::testbed
