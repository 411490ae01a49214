// Test helpers that use loadgate the way a user does: run its command line, call the services
// it started over HTTP.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/http_types.h"

namespace loadgate::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` through /bin/sh, bounded by `timeout_seconds` (timeout(1)), its input empty: a
// test run from a terminal must not be asked anything (loadgate's fault confirmation).
CommandResult run_command(const std::string& command, int timeout_seconds = 120);

// The loadgate binary under test and the source tree, from the build.
std::string loadgate_bin();
std::string source_dir();
// The testbed the integration tests share (a CTest fixture brings it up and takes it down).
std::string shared_testbed_dir();

// `loadgate run SCENARIO_FILE --testbed <shared> EXTRA --out <fresh dir named by tag>`.
struct LoadgateRun {
  CommandResult command;
  nlohmann::json result;   // result.json, or null when the run wrote none
  std::string result_dir;  // the run's --out
};
LoadgateRun run_on_shared_testbed(const std::string& scenario_file, const std::string& extra,
                                  const std::string& tag);
// The same against the testbed in `testbed_dir`.
LoadgateRun run_on_testbed(const std::string& testbed_dir, const std::string& scenario_file,
                           const std::string& extra, const std::string& tag);
// A directory of this test process's own, under the temporary directory.
std::filesystem::path scratch_dir();
// Writes `text` to the file `name` in scratch_dir() and returns its path.
std::string write_scenario(const std::string& name, const std::string& text);

// A file's text ("" when it cannot be read), and a JSON file parsed (throws when it cannot be).
std::string file_text(const std::filesystem::path& file);
nlohmann::json json_file(const std::filesystem::path& file);

// One HTTP exchange on a fresh connection; throws when there is no response.
HttpResponse http_call(const std::string& base_url, const HttpRequest& request);

}  // namespace loadgate::test
