// The CTest fixture around the shared testbed, written as tests so that bringing it up and
// taking it down are checked, not assumed. Hidden tags: CTest runs them by name only.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

json status_json(const std::string& dir) {
  CommandResult status = run_command(loadgate_bin() + " testbed status --json --dir " + dir);
  INFO(status.output);
  return json::parse(status.output);
}

}  // namespace

TEST_CASE("testbed up starts every process on loopback, and a second up changes nothing",
          "[.][testbed-up]") {
  const std::string dir = shared_testbed_dir();
  std::filesystem::create_directories(dir);
  chmod(dir.c_str(), 0755);
  CommandResult up = run_command(
      loadgate_bin() + " testbed up --bcrypt-cost 4 --users 200 --items 100 --dir " + dir, 300);
  INFO(up.output);
  REQUIRE(up.exit_code == 0);

  json state = status_json(dir);
  std::set<std::string> names;
  for (const json& p : state["processes"]) {
    INFO(p.dump());
    CHECK(p["alive"] == true);
    CHECK(p["listening"] == true);
    CHECK(p["host"] == "127.0.0.1");
    names.insert(p["name"]);
  }
  CHECK(names == std::set<std::string>{"postgres-primary", "postgres-standby", "endpoint-proxy",
                                       "pgbouncer-1", "pgbouncer-2", "service-1", "service-2"});
  CHECK(state["service_urls"].size() == 2);
  CHECK(state["users"]["count"] == 200);
  CHECK(state["synchronous_replication"] == true);
  // No secret in the state: only the files that hold them.
  std::ifstream secret(state["database"]["password_file"].get<std::string>());
  std::string password;
  std::getline(secret, password);
  REQUIRE(!password.empty());
  CHECK(state.dump().find(password) == std::string::npos);

  CommandResult again = run_command(loadgate_bin() + " testbed up --dir " + dir);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Matchers::Contains("already up"));
  CHECK(status_json(dir)["processes"] == state["processes"]);
}

TEST_CASE("testbed down leaves no process and no port behind", "[.][testbed-down]") {
  const std::string dir = shared_testbed_dir();
  json state = status_json(dir);
  REQUIRE(state.contains("processes"));
  CommandResult down = run_command(loadgate_bin() + " testbed down --dir " + dir);
  INFO(down.output);
  CHECK(down.exit_code == 0);
  for (const json& p : state["processes"]) {
    INFO(p["name"]);
    CHECK_FALSE(process_alive(p["pid"].get<pid_t>()));
    CHECK_FALSE(port_open(p["host"], p["port"].get<uint16_t>()));
  }
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(dir) / "state.json"));
  CHECK(run_command(loadgate_bin() + " testbed status --dir " + dir).exit_code == 3);
}
