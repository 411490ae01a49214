// loadgate-service: the testbed's reference service (see reference_service.h). Started by
// `testbed up`; secrets come from files, never from the command line.
#include <csignal>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "testbed/proxy/tcp_proxy.h"
#include "testbed/service/reference_service.h"
#include "testbed/testbed_state.h"

int main(int argc, char** argv) {
  using namespace loadgate;
  CLI::App app{"loadgate-service: the testbed's reference auth + API service"};
  std::string listen, db, db_password_file, jwt_secret_file;
  size_t pool_size = 25;
  unsigned threads = 2;
  unsigned bcrypt_threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--listen", listen, "host:port to serve HTTP on")->required();
  app.add_option("--db", db, "libpq conninfo of pgbouncer, without the password")->required();
  app.add_option("--db-password-file", db_password_file, "file holding the DB password")
      ->required();
  app.add_option("--jwt-secret-file", jwt_secret_file, "file holding the HS256 secret")->required();
  app.add_option("--pool-size", pool_size, "DB connections (DB_POOL_MAX)")->capture_default_str();
  app.add_option("--threads", threads, "HTTP threads")->capture_default_str();
  app.add_option("--bcrypt-threads", bcrypt_threads, "threads for bcrypt")->capture_default_str();
  std::string rs256_public_key_file, es256_public_key_file;
  app.add_option("--jwt-rs256-public-key-file", rs256_public_key_file, "PEM key for RS256 tokens");
  app.add_option("--jwt-es256-public-key-file", es256_public_key_file, "PEM key for ES256 tokens");
  int bcrypt_cost = 12;
  app.add_option("--bcrypt-cost", bcrypt_cost,
                 "cost of the seeded hashes (for the unknown-user decoy)")
      ->check(CLI::Range(4, 31))
      ->capture_default_str();
  size_t leak_per_request = 0;
  app.add_option("--leak-per-request", leak_per_request,
                 "bytes every request keeps for good: a planted leak, for leak detection tests");
  CLI11_PARSE(app, argc, argv);
  try {
    auto address = testbed::parse_host_port(listen);
    testbed::ServiceConfig config;
    config.listen_host = address.host;
    config.listen_port = address.port;
    config.db_conninfo = db + " password=" + testbed::read_secret(db_password_file);
    config.jwt_keys.hs256_secret = testbed::read_secret(jwt_secret_file);
    if (!rs256_public_key_file.empty())
      config.jwt_keys.rs256_public_pem = testbed::read_pem(rs256_public_key_file);
    if (!es256_public_key_file.empty())
      config.jwt_keys.es256_public_pem = testbed::read_pem(es256_public_key_file);
    config.pool_size = pool_size;
    config.bcrypt_threads = bcrypt_threads;
    config.decoy_bcrypt_cost = bcrypt_cost;
    config.leak_per_request = leak_per_request;

    asio::io_context io(static_cast<int>(threads));
    testbed::ReferenceService service(io, config);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    asio::co_spawn(io, service.serve(), asio::detached);
    std::cerr << "loadgate-service: listening on " << listen << " (db: " << db << ")" << std::endl;
    std::vector<std::jthread> workers;
    for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "loadgate-service: " << e.what() << std::endl;
    return 1;
  }
}
