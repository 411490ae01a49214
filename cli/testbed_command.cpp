#include "cli/testbed_command.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "testbed/testbed.h"
#include "testbed/testbed_state.h"

namespace loadgate::cli {
namespace {

std::filesystem::path own_bin_dir() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  path[n] = '\0';
  return std::filesystem::path(path).parent_path();
}

}  // namespace

void add_testbed_command(CLI::App& app, int& exit_code) {
  auto* testbed = app.add_subcommand(
      "testbed",
      "the local reference deployment: Postgres primary + standby, 2 pgbouncers, an "
      "endpoint proxy, N reference service instances, all on loopback");
  testbed->require_subcommand(1);
  auto dir = std::make_shared<std::string>("default");
  auto add_dir = [dir](CLI::App* sub) {
    sub->add_option(
        "--dir", *dir,
        "state directory (default: $LOADGATE_TESTBED_DIR or /var/tmp/loadgate-testbed-<uid>)");
  };

  auto options = std::make_shared<testbed::UpOptions>();
  auto* up =
      testbed->add_subcommand("up", "start the testbed (does nothing if it is already healthy)");
  add_dir(up);
  up->add_option("--instances", options->instances, "reference service instances")
      ->capture_default_str();
  up->add_option("--bcrypt-cost", options->bcrypt_cost, "bcrypt cost of the seeded users")
      ->check(CLI::Range(4, 31))
      ->capture_default_str();
  up->add_option("--users", options->users, "seeded users: user1..userN, password password{n % 8}")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  up->add_option("--items", options->items, "seeded items, ids 1..N")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  up->add_flag(
      "--async", [options](int64_t) { options->synchronous = false; },
      "asynchronous replication (default: synchronous, as RDS Multi-AZ)");
  up->add_option("--pool-size", options->service_pool_size, "DB connections per service instance")
      ->capture_default_str();
  up->add_option("--service-leak", options->service_leak,
                 "bytes every request keeps in each service instance: a planted memory leak, "
                 "to check that a soak's process.service.rss.slope claim catches one");
  up->add_option("--run-as", options->run_as, "account for Postgres and pgbouncer when run as root")
      ->capture_default_str();
  up->callback([dir, options, &exit_code] {
    options->dir = testbed::resolve_dir(*dir);
    options->bin_dir = own_bin_dir();
    try {
      testbed::up(*options, std::cout);
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "loadgate testbed up: " << e.what() << "\n";
      exit_code = 2;
    }
  });

  auto as_json = std::make_shared<bool>(false);
  auto* status = testbed->add_subcommand(
      "status",
      "print the testbed's processes, addresses and seeded users; exit 0 healthy, 1 "
      "degraded, 3 none");
  add_dir(status);
  status->add_flag("--json", *as_json, "the state file with liveness, as JSON");
  status->callback([dir, as_json, &exit_code] {
    exit_code = testbed::status(testbed::resolve_dir(*dir), *as_json, std::cout);
  });

  auto* down =
      testbed->add_subcommand("down", "stop every testbed process and remove its data (logs stay)");
  add_dir(down);
  down->callback([dir, &exit_code] {
    try {
      exit_code = testbed::down(testbed::resolve_dir(*dir), std::cout) ? 0 : 1;
    } catch (const std::exception& e) {
      std::cerr << "loadgate testbed down: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace loadgate::cli
