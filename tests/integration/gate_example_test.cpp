// The CI examples in ci/examples/ run as their CI would run them: each `run:` (GitHub Actions) or
// script line (GitLab CI) in order, with the example's own environment, first as a push to the
// main branch (which stores the baseline), then as a pull/merge request (gated against it).
// Only the environment a test must own is overridden: the binary under test, a testbed directory
// of its own, two repeats instead of three. The install-and-build line is skipped: the binary
// under test is already built.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

using namespace loadgate::test;
using Catch::Matchers::Contains;

namespace {

using Env = std::map<std::string, std::string>;

struct Workspace {
  std::filesystem::path dir;
  Env env;

  Workspace(const std::string& name, const YAML::Node& example_env) {
    dir = scratch_dir() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::filesystem::create_directory_symlink(std::filesystem::path(source_dir()) / "scenarios",
                                              dir / "scenarios");
    for (const auto& kv : example_env)
      env[kv.first.as<std::string>()] = kv.second.as<std::string>();
    REQUIRE(env.count("LOADGATE"));
    env["LOADGATE"] = loadgate_bin();
    env["TESTBED"] = fmt::format("/tmp/loadgate-gate-example-{}-{}", ::getpid(), name);
    env["REPEAT"] = "2";
  }
  ~Workspace() { run_command(loadgate_bin() + " testbed down --dir " + env["TESTBED"]); }

  // Runs one step's shell text in the workspace with the example's environment.
  CommandResult run(const std::string& text, const Env& extra) const {
    static int counter = 0;
    const auto script = dir / fmt::format("step-{}.sh", ++counter);
    std::ofstream out(script);
    out << "set -e\n";
    for (const auto* vars : {&env, &extra})
      for (const auto& [k, v] : *vars) out << "export " << k << "='" << v << "'\n";
    out << "cd '" << dir.string() << "'\n" << text << "\n";
    out.close();
    return run_command("bash " + script.string(), 300);
  }
};

bool skipped(const std::string& text) {
  return text.rfind("ci/setup", 0) == 0;  // installs and builds: done already
}

nlohmann::json gate_result(const Workspace& ws) {
  std::ifstream in(ws.dir / ws.env.at("OUT") / "gate.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE(
    "ci/examples/github-actions-gate.yml: a push stores the baseline, a pull request passes the "
    "gate",
    "[gate]") {
  const YAML::Node workflow = YAML::LoadFile(source_dir() + "/ci/examples/github-actions-gate.yml");
  Workspace ws("github", workflow["env"]);
  for (const std::string event : {"push", "pull_request"}) {
    size_t ran = 0;
    for (const auto& step : workflow["jobs"]["gate"]["steps"]) {
      if (!step["run"]) continue;
      const std::string text = step["run"].as<std::string>();
      const std::string name = step["name"].as<std::string>();
      if (skipped(text)) continue;
      if (const auto condition = step["if"]) {
        const std::string c = condition.as<std::string>();
        if (c.rfind("github.event_name == ", 0) == 0) {
          if (c != fmt::format("github.event_name == '{}'", event)) continue;
        } else {
          REQUIRE(c == "always()");  // the test knows no other condition
        }
      }
      const CommandResult result = ws.run(text, {});
      INFO(event << ", step " << name << ":\n" << result.output);
      REQUIRE(result.exit_code == 0);
      ++ran;
    }
    CHECK(ran == 3);  // start, the gate, stop
    const auto gate = gate_result(ws);
    CHECK(gate["verdict"] == "PASS");
    CHECK(gate["comparison"].is_null() == (event == "push"));
  }
  CHECK(std::filesystem::exists(ws.dir / ws.env["BASELINE"]));
}

TEST_CASE(
    "ci/examples/gitlab-ci-gate.yml: the default branch stores the baseline, a merge request "
    "passes the gate",
    "[gate]") {
  const YAML::Node pipeline = YAML::LoadFile(source_dir() + "/ci/examples/gitlab-ci-gate.yml");
  Workspace ws("gitlab", pipeline["variables"]);
  const YAML::Node job = pipeline["release-gate"];
  CHECK(job["artifacts"]["reports"]["junit"].as<std::string>() == "out/gate/junit.xml");
  for (const std::string branch : {"main", "feature"}) {
    const Env ci = {{"CI_COMMIT_BRANCH", branch}, {"CI_DEFAULT_BRANCH", "main"}};
    for (const char* part : {"before_script", "script", "after_script"})
      for (const auto& line : job[part]) {
        const std::string text = line.as<std::string>();
        if (skipped(text)) continue;
        const CommandResult result = ws.run(text, ci);
        INFO(branch << ", " << part << ":\n" << result.output);
        REQUIRE(result.exit_code == 0);
      }
    const auto gate = gate_result(ws);
    CHECK(gate["verdict"] == "PASS");
    CHECK(gate["comparison"].is_null() == (branch == "main"));
  }
  CHECK(std::filesystem::exists(ws.dir / "out/gate/junit.xml"));
}
