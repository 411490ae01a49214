// A testbed for one fault test (faults break it on purpose, so none is shared), taken down (logs
// kept) whatever the test's outcome.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace loadgate::test {

struct OwnTestbed {
  std::string dir = fmt::format("/tmp/loadgate-fault-test-{}", ::getpid());
  // `extra`: more `testbed up` options, such as --async. Cost 4 keeps logins cheap; a test
  // that wants the service's CPU to be its limit asks for more.
  explicit OwnTestbed(const std::string& extra = "", int bcrypt_cost = 4) {
    std::filesystem::remove_all(dir);
    CommandResult up = run_command(
        fmt::format("{} testbed up --bcrypt-cost {} --users 100 --items 100 --dir {} {}",
                    loadgate_bin(), bcrypt_cost, dir, extra),
        300);
    INFO(up.output);
    REQUIRE(up.exit_code == 0);
  }
  ~OwnTestbed() { run_command(loadgate_bin() + " testbed down --dir " + dir); }
  OwnTestbed(const OwnTestbed&) = delete;
  OwnTestbed& operator=(const OwnTestbed&) = delete;

  nlohmann::json state() const {
    std::ifstream in(dir + "/state.json");
    return nlohmann::json::parse(in);
  }
  // `loadgate run` of scenario text `yaml` (written as `name`.yaml) against this testbed.
  LoadgateRun run(const std::string& name, const std::string& yaml) const {
    return run_on_testbed(dir, write_scenario(name + ".yaml", yaml), "", name);
  }
  // The state's record of process `name` ("postgres-primary"); null when there is none.
  nlohmann::json process(const std::string& name) const {
    const nlohmann::json current = state();  // not state()["processes"]: that would dangle
    for (const auto& p : current["processes"])
      if (p["name"] == name) return p;
    return nullptr;
  }
  int pid_of(const std::string& name) const {
    const auto p = process(name);
    return p.is_null() ? 0 : p["pid"].get<int>();
  }
};

}  // namespace loadgate::test
