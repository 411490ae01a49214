// Test helpers that use loadgate the way a user does: run its command line, call the services
// it started over HTTP.
#pragma once

#include <string>

#include "harness/http_types.h"

namespace loadgate::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` through /bin/sh, bounded by `timeout_seconds` (timeout(1)).
CommandResult run_command(const std::string& command, int timeout_seconds = 120);

// The loadgate binary under test and the source tree, from the build.
std::string loadgate_bin();
std::string source_dir();
// The testbed the integration tests share (a CTest fixture brings it up and takes it down).
std::string shared_testbed_dir();

// One HTTP exchange on a fresh connection; throws when there is no response.
HttpResponse http_call(const std::string& base_url, const HttpRequest& request);

}  // namespace loadgate::test
