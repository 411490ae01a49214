#include "tests/support/command.h"

#include <sys/wait.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/http_connection.h"
#include "tests/support/test_harness.h"

namespace loadgate::test {

CommandResult run_command(const std::string& command, int timeout_seconds) {
  const std::string bounded =
      fmt::format("timeout -k 5 {} {} 2>&1 </dev/null", timeout_seconds, command);
  FILE* pipe = popen(bounded.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  CommandResult result;
  std::array<char, 4096> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string loadgate_bin() {
  return LOADGATE_BIN;
}
std::string source_dir() {
  return LOADGATE_SOURCE_DIR;
}
std::string shared_testbed_dir() {
  return LOADGATE_TEST_TESTBED_DIR;
}

LoadgateRun run_on_testbed(const std::string& testbed_dir, const std::string& scenario_file,
                           const std::string& extra, const std::string& tag) {
  const auto out =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-{}-{}", tag, ::getpid());
  std::filesystem::remove_all(out);
  LoadgateRun run;
  run.result_dir = out.string();
  run.command = run_command(fmt::format("{} run {} --testbed {}{} --out {}", loadgate_bin(),
                                        scenario_file, testbed_dir, extra, out.string()));
  std::ifstream in(out / "result.json");
  if (in) run.result = nlohmann::json::parse(in);
  return run;
}

LoadgateRun run_on_shared_testbed(const std::string& scenario_file, const std::string& extra,
                                  const std::string& tag) {
  return run_on_testbed(shared_testbed_dir(), scenario_file, extra, tag);
}

std::filesystem::path scratch_dir() {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("loadgate-test-{}", ::getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write_scenario(const std::string& name, const std::string& text) {
  std::ofstream(scratch_dir() / name) << text;
  return (scratch_dir() / name).string();
}

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), {}};
}

nlohmann::json json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return nlohmann::json::parse(in);
}

HttpResponse http_call(const std::string& base_url, const HttpRequest& request) {
  const Exchange exchange = exchange_once(parse_endpoint(base_url), request,
                                          {std::chrono::seconds(5), std::chrono::seconds(30)});
  if (exchange.error != TransportError::none)
    throw std::runtime_error(fmt::format("{} {}{}: {}", request.method, base_url, request.target,
                                         error_class_name(exchange.error)));
  return exchange.response;
}

}  // namespace loadgate::test
