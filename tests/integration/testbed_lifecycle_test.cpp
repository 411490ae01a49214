// The CTest fixture around the shared testbed, written as tests so that bringing it up and
// taking it down are checked, not assumed. Hidden tags: CTest runs them by name only.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "tests/support/command.h"

using namespace loadgate;
using namespace loadgate::test;
using nlohmann::json;

namespace {

// A testbed directory whose state records one service process, as `testbed up` would.
std::filesystem::path fake_testbed(const std::string& tag, pid_t pid, uint64_t start_ticks,
                                   uint16_t port) {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-{}-test-{}", tag, ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / ".loadgate-testbed") << "test";
  json state = {{"version", 1},
                {"dir", dir.string()},
                {"run_as", "x"},
                {"synchronous_replication", true},
                {"database", {{"name", "app"}, {"user", "app"}, {"password_file", ""}}},
                {"pgbouncer_admin", {{"user", "a"}, {"password_file", ""}}},
                {"jwt", {{"secret_file", ""}}},
                {"users",
                 {{"count", 0},
                  {"name_pattern", ""},
                  {"password_pattern", ""},
                  {"distinct_passwords", 8},
                  {"bcrypt_cost", 4}}},
                {"items", 0},
                {"processes",
                 {{{"name", "service-1"},
                   {"role", "service"},
                   {"pid", pid},
                   {"start_ticks", start_ticks},
                   {"host", "127.0.0.1"},
                   {"port", port},
                   {"log_file", ""}}}}};
  std::ofstream(dir / "state.json") << state.dump();
  return dir;
}

json status_json(const std::string& dir) {
  CommandResult status = run_command(loadgate_bin() + " testbed status --json --dir " + dir);
  INFO(status.output);
  return json::parse(status.output);
}

}  // namespace

TEST_CASE("testbed up starts every process on loopback, and a second up changes nothing",
          "[.][testbed-up]") {
  const std::string dir = shared_testbed_dir();
  // A directory left by an earlier run with no testbed in it (only logs) starts afresh.
  if (!std::filesystem::exists(std::filesystem::path(dir) / "state.json"))
    std::filesystem::remove_all(dir);
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
                                       "pgbouncer-1", "pgbouncer-2", "service-1", "service-2",
                                       "edge-proxy"});
  // The proxies take faults through a control port of their own.
  for (const json& p : state["processes"])
    if (p["role"] == "proxy") CHECK(p["control_port"].get<int>() > 0);
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

TEST_CASE("testbed up refuses a directory that is not a testbed's, or a symlink", "[cli]") {
  const auto base =
      std::filesystem::temp_directory_path() / ("loadgate-dir-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "occupied");
  std::ofstream(base / "occupied" / "precious.txt") << "not ours";
  std::filesystem::create_directory_symlink(base / "occupied", base / "link");

  CommandResult occupied =
      run_command(loadgate_bin() + " testbed up --dir " + (base / "occupied").string());
  CHECK(occupied.exit_code == 2);
  CHECK_THAT(occupied.output, Catch::Matchers::Contains("not a testbed directory"));
  CommandResult link =
      run_command(loadgate_bin() + " testbed up --dir " + (base / "link").string());
  CHECK(link.exit_code == 2);
  CHECK_THAT(link.output, Catch::Matchers::Contains("not a directory"));
  CHECK(std::filesystem::exists(base / "occupied" / "precious.txt"));
  std::filesystem::remove_all(base);
}

TEST_CASE("testbed down never signals a process that merely reuses a recorded pid", "[cli]") {
  // An unrelated process, recorded with another start time: as after a reboot that reused its pid.
  const auto scratch = std::filesystem::temp_directory_path();
  const pid_t bystander =
      spawn_detached({{"sleep", "30"}, scratch / "loadgate-bystander.log", std::nullopt, {}});
  REQUIRE(process_alive(bystander));
  const auto dir =
      fake_testbed("pid", bystander, process_start_ticks(bystander) + 1, find_free_port());

  CommandResult down = run_command(loadgate_bin() + " testbed down --dir " + dir.string());
  INFO(down.output);
  CHECK(down.exit_code == 0);
  CHECK(process_alive(bystander));
  stop_process(bystander, 0, std::chrono::seconds(2));
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "testbed down fails, and keeps its state for another try, when a recorded port is still open",
    "[cli]") {
  // The recorded service is gone, but something still listens on its port (a service that
  // outlived its pid file, another user's process): the testbed is not down.
  const uint16_t port = find_free_port();
  const auto scratch = std::filesystem::temp_directory_path();
  const pid_t listener =
      spawn_detached({{"python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1"},
                      scratch / "loadgate-listener.log",
                      std::nullopt,
                      {}});
  for (int i = 0; i < 100 && !port_open("127.0.0.1", port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(port_open("127.0.0.1", port));
  const pid_t gone = spawn_detached({{"true"}, scratch / "loadgate-gone.log", std::nullopt, {}});
  for (int i = 0; i < 100 && process_alive(gone); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto dir = fake_testbed("port", gone, 1, port);

  CommandResult down = run_command(loadgate_bin() + " testbed down --dir " + dir.string());
  INFO(down.output);
  CHECK(down.exit_code == 1);
  CHECK_THAT(down.output,
             Catch::Matchers::Contains(fmt::format("port {} of service-1 is still open", port)) &&
                 Catch::Matchers::Contains("NOT clean"));
  CHECK(std::filesystem::exists(dir / "state.json"));
  CHECK(process_alive(listener));  // not ours to stop

  stop_process(listener, 0, std::chrono::seconds(2));
  CommandResult again = run_command(loadgate_bin() + " testbed down --dir " + dir.string());
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "state.json"));
  std::filesystem::remove_all(dir);
}
