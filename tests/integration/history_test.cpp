// The history store as users keep it: runs and gates recorded with --history in a team's Postgres
// (the shared testbed's), a gate's baseline taken from there, and the nightly soak workflow of
// ci/examples/ run for four short nights, one of them with a latency toxic that only it shows.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

using namespace loadgate::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json process_of(const std::string& testbed, const std::string& name) {
  const json state = json_file(testbed + "/state.json");
  for (const auto& p : state["processes"])
    if (p["name"] == name) return p;
  FAIL("no process " << name << " in " << testbed);
  throw;
}

// A short API scenario of its own name, so that this test's nights are the only ones.
std::string short_scenario(const std::string& name, const std::string& duration) {
  return write_scenario(name + ".yaml", fmt::format(R"yaml(
name: {}
target: {{testbed: default}}
duration: {}
client: {{interval: 500ms}}
slo: {{errors.rate: "< 1%"}}
workloads:
  items:
    kind: api
    executor: {{type: constant-arrival-rate, rate: 40/s}}
    ids: {{min: 1, max: 100}}
    requests:
      - {{name: read, method: GET, path: "/api/v1/items/{{{{id}}}}", expect: 200}}
)yaml",
                                                    name, duration));
}

}  // namespace

TEST_CASE(
    "runs and gates recorded in a Postgres history: listed with their labels, a gate's baseline "
    "named by #latest, and a bad store refused before any load",
    "[gate]") {
  const std::string testbed = shared_testbed_dir();
  const std::string dsn = fmt::format("host=127.0.0.1 port={} dbname=app user=app",
                                      process_of(testbed, "postgres-primary")["port"].get<int>());
  // The password from the environment, as a team's job would have it: never in the DSN.
  std::string password = file_text(testbed + "/secrets/db_password");
  while (!password.empty() && std::isspace(static_cast<unsigned char>(password.back())))
    password.pop_back();
  REQUIRE_FALSE(password.empty());
  setenv("PGPASSWORD", password.c_str(), 1);  // for every loadgate this test starts
  const std::string name = fmt::format("history-pg-{}", ::getpid());
  const std::string scenario = short_scenario(name, "3s");

  for (const char* rev : {"a1", "b2"}) {
    const LoadgateRun run = run_on_testbed(
        testbed, scenario, fmt::format(" --history '{}' --label rev={} --label night=1", dsn, rev),
        name + "-" + rev);
    INFO(run.command.output);
    CHECK(run.command.exit_code == 0);
    CHECK_THAT(run.command.output, Contains("history: recorded as #"));
  }
  const CommandResult listed =
      run_command(fmt::format("{} history {} --history '{}'", loadgate_bin(), scenario, dsn));
  INFO(listed.output);
  REQUIRE(listed.exit_code == 0);
  CHECK_THAT(listed.output, Contains("night=1 rev=a1") && Contains("night=1 rev=b2"));
  CHECK_THAT(listed.output, Contains(" run ") && Contains("passed"));
  CHECK_THAT(listed.output, !Contains(password));

  // Gates: the first finds no baseline in the history and becomes it; the second is compared.
  const std::string gate = fmt::format(
      "{} gate {} --testbed {} --repeat 2 --history '{}' --baseline '#latest' --out {}",
      loadgate_bin(), scenario, testbed, dsn, (scratch_dir() / (name + "-gate")).string());
  const CommandResult first = run_command(gate, 120);
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK_THAT(first.output, Contains("no passed gate of " + name));
  const CommandResult second = run_command(gate, 120);
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.output, Contains("baseline: history #"));
  const json compared = json_file(scratch_dir() / (name + "-gate") / "gate.json");
  CHECK_FALSE(compared["comparison"].is_null());
  const CommandResult gates = run_command(
      fmt::format("{} history {} --history '{}' --command gate", loadgate_bin(), name, dsn));
  CHECK(std::count(gates.output.begin(), gates.output.end(), '\n') == 3);  // header, 2 gates

  // A store that cannot be opened is found before the load: exit 2, the value named, no result.
  for (const auto& [store, named] : std::map<std::string, std::string>{
           {"/nonexistent-dir/nightly.db", "/nonexistent-dir"},
           {"host=127.0.0.1 port=1 dbname=x user=y", "y@127.0.0.1:1/x"}}) {
    const LoadgateRun refused =
        run_on_testbed(testbed, scenario, fmt::format(" --history '{}'", store), name + "-refused");
    INFO(refused.command.output);
    CHECK(refused.command.exit_code == 2);
    CHECK_THAT(refused.command.output, Contains(named));
    CHECK(refused.result.is_null());  // nothing ran
  }
  const LoadgateRun bad_label = run_on_testbed(
      testbed, scenario, " --history " + (scratch_dir() / "h.db").string() + " --label rev",
      name + "-label");
  CHECK(bad_label.command.exit_code == 2);
  CHECK_THAT(bad_label.command.output, Contains("--label rev: expected KEY=VALUE"));
}

TEST_CASE(
    "ci/examples/github-actions-nightly-soak.yml: four nights, the third behind a latency toxic, "
    "and the trend flags that night only",
    "[history]") {
  const YAML::Node workflow =
      YAML::LoadFile(source_dir() + "/ci/examples/github-actions-nightly-soak.yml");
  const auto dir = scratch_dir() / "nightly";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::create_directory_symlink(std::filesystem::path(source_dir()) / "scenarios",
                                            dir / "scenarios");
  std::map<std::string, std::string> env;
  for (const auto& kv : workflow["env"])
    env[kv.first.as<std::string>()] = kv.second.as<std::string>();
  // What the test owns: the binary, a testbed of its own, short nights.
  env["LOADGATE"] = loadgate_bin();
  env["TESTBED"] = fmt::format("/tmp/loadgate-nightly-{}", ::getpid());
  // The shipped scenario, but its faults come minutes in: a short night is its load alone.
  const std::string shipped = file_text(source_dir() + "/scenarios/soak/testbed.yaml");
  REQUIRE(shipped.find("faults:") != std::string::npos);
  // Through the testbed's edge proxy, as through a load balancer, where night 3's toxic goes.
  std::string nightly = shipped.substr(0, shipped.find("faults:"));
  const std::string target = "  testbed: default\n";
  REQUIRE(nightly.find(target) != std::string::npos);
  nightly.insert(nightly.find(target) + target.size(), "  via: edge\n");
  std::ofstream(dir / "nightly.yaml") << nightly;
  env["SCENARIO"] = "nightly.yaml";
  env["SOAK_FOR"] = "40s";  // the warmup's 20 s, then 20 s of soak
  env["WINDOW"] = "10s";
  struct Down {
    std::string testbed;
    ~Down() { run_command(loadgate_bin() + " testbed down --dir " + testbed); }
  } down{env["TESTBED"]};

  auto run_step = [&](const std::string& text, int night) {
    std::ofstream script(dir / "step.sh");
    script << "set -e\n";
    for (const auto& [k, v] : env) script << "export " << k << "='" << v << "'\n";
    script << fmt::format("export OUT=out/night-{0} GITHUB_SHA=rev{0} GITHUB_RUN_NUMBER={0}\n",
                          night);
    script << "cd '" << dir.string() << "'\n" << text << "\n";
    script.close();
    return run_command("bash " + (dir / "step.sh").string(), 300);
  };
  for (int night = 1; night <= 4; ++night) {
    for (const auto& step : workflow["jobs"]["soak"]["steps"]) {
      if (!step["run"]) continue;
      const std::string text = step["run"].as<std::string>();
      if (text.rfind("ci/setup", 0) == 0) continue;  // built already
      if (step["name"].as<std::string>() == "Soak" && night == 3) {
        // Night 3: the edge proxy in front of the services answers 40 ms late.
        const int control = process_of(env["TESTBED"], "edge-proxy")["control_port"];
        const CommandResult toxic = run_command(fmt::format(
            "bash -c 'exec 3<>/dev/tcp/127.0.0.1/{}; echo \"toxic latency 40\" >&3; head -1 <&3'",
            control));
        INFO(toxic.output);
        REQUIRE_THAT(toxic.output, Contains("ok"));
      }
      const CommandResult result = run_step(text, night);
      INFO("night " << night << ", " << step["name"].as<std::string>() << ":\n" << result.output);
      REQUIRE(result.exit_code == 0);
    }
  }
  const CommandResult trend = run_step("$LOADGATE trend \"$SCENARIO\" -o trend.html", 5);
  INFO(trend.output);
  REQUIRE(trend.exit_code == 0);
  // Only night 3's items latency moved; night 4 is judged against nights 1 and 2, not 3.
  CHECK_THAT(trend.output, Contains("CHANGED night #3 (night=3 rev=rev3) items.latency.p50"));
  size_t changed = 0;
  for (size_t at = 0; (at = trend.output.find("CHANGED night #", at)) != std::string::npos; ++at) {
    ++changed;
    CHECK(trend.output.compare(at, 18, "CHANGED night #3 (") == 0);
  }
  CHECK(changed >= 1);
  CHECK_THAT(trend.output, Contains("4 night(s) of soak"));
  const std::string page = file_text(dir / "trend.html");
  CHECK_THAT(page, Contains("<figure class=\"flagged\"><figcaption>items.latency.p50"));
  CHECK_THAT(page, !Contains("<figure class=\"flagged\"><figcaption>orders."));
  // And the last step of the workflow listed them.
  const CommandResult history = run_step("$LOADGATE history \"$SCENARIO\"", 5);
  CHECK_THAT(history.output, Contains("CHANGED items.latency.p50"));
}

// The scheduling examples no CI here can run (no systemd, no cluster): what keeps them from
// rotting is that every loadgate option they pass exists, and the settings a nightly job needs.
TEST_CASE("ci/examples: the systemd units and the CronJob pass only options loadgate has",
          "[cli]") {
  const CommandResult help = run_command(loadgate_bin() + " soak --help");
  const CommandResult trend_help = run_command(loadgate_bin() + " trend --help");
  REQUIRE(help.exit_code == 0);
  auto check_options = [&](std::string command_line, const std::string& where) {
    INFO(where << ": " << command_line);
    const bool trend = command_line.find(" trend ") != std::string::npos;
    // The shell's own commands ($(date -u ...)) are not loadgate's.
    for (size_t open; (open = command_line.find("$(")) != std::string::npos;)
      command_line.erase(open, command_line.find(')', open) - open + 1);
    size_t checked = 0;
    for (size_t at = 0; (at = command_line.find(" -", at)) != std::string::npos; ++at) {
      const size_t end = command_line.find_first_of(" =\n", at + 1);
      const std::string option = command_line.substr(at + 1, end - at - 1);
      const std::string& text = (trend ? trend_help : help).output;
      INFO(option);
      CHECK((text.find("  " + option + " ") != std::string::npos ||
             text.find("  " + option + ",") != std::string::npos));
      ++checked;
    }
    CHECK(checked >= 1);
  };
  const std::string service =
      file_text(source_dir() + "/ci/examples/loadgate-nightly-soak.service");
  REQUIRE_THAT(service, Contains("loadgate soak ") && Contains("Type=oneshot"));
  // Continuation lines joined, as systemd reads them.
  std::string joined;
  for (size_t i = 0; i < service.size(); ++i)
    if (service.compare(i, 2, "\\\n") == 0)
      ++i;
    else
      joined += service[i];
  for (size_t at = 0; (at = joined.find("loadgate ", at)) != std::string::npos; ++at)
    if (joined.compare(at, 14, "loadgate soak ") == 0 ||
        joined.compare(at, 15, "loadgate trend ") == 0)
      check_options(joined.substr(at - 1, joined.find('\n', at) - at + 1), "systemd service");
  CHECK_THAT(file_text(source_dir() + "/ci/examples/loadgate-nightly-soak.timer"),
             Contains("OnCalendar=") && Contains("Persistent=true"));

  const auto manifests =
      YAML::LoadAllFromFile(source_dir() + "/ci/examples/k8s/nightly-soak-cronjob.yaml");
  REQUIRE(manifests.size() == 2);
  CHECK(manifests[0]["kind"].as<std::string>() == "PersistentVolumeClaim");
  const YAML::Node cron = manifests[1];
  CHECK(cron["kind"].as<std::string>() == "CronJob");
  CHECK(cron["spec"]["concurrencyPolicy"].as<std::string>() == "Forbid");
  const YAML::Node job = cron["spec"]["jobTemplate"]["spec"];
  CHECK(job["backoffLimit"].as<int>() == 0);
  const YAML::Node pod = job["template"]["spec"];
  CHECK(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>() ==
        manifests[0]["metadata"]["name"].as<std::string>());
  const YAML::Node container = pod["containers"][0];
  bool history_env = false;
  for (const auto& e : container["env"])
    history_env = history_env || e["name"].as<std::string>() == "LOADGATE_HISTORY";
  CHECK(history_env);
  const std::string script = " " + container["args"][0].as<std::string>();
  for (const char* command : {"loadgate soak ", "loadgate trend "}) {
    const size_t at = script.find(command);
    REQUIRE(at != std::string::npos);
    check_options(script.substr(at - 1, script.find(';', at) - at + 1), "CronJob");
  }
}

TEST_CASE("history and trend refuse a store that is not there, and a missing one", "[cli]") {
  const std::string missing = (scratch_dir() / "misspelt.db").string();
  for (const char* command : {"history", "trend"}) {
    const CommandResult no_file =
        run_command(fmt::format("{} {} soak --history {}", loadgate_bin(), command, missing));
    INFO(no_file.output);
    CHECK(no_file.exit_code == 2);
    CHECK_THAT(no_file.output, Contains("no history store at " + missing));
    CHECK_FALSE(std::filesystem::exists(missing));  // not created by reading
    const CommandResult unnamed =
        run_command(fmt::format("env -u LOADGATE_HISTORY {} {} soak", loadgate_bin(), command));
    CHECK(unnamed.exit_code == 2);
    CHECK_THAT(unnamed.output, Contains("name the history store"));
  }
}
