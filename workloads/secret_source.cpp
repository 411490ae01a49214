#include "workloads/secret_source.h"

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace loadgate {

std::string read_secret_setting(const ConfigNode& workload, const std::string& testbed_file,
                                const std::string& what) {
  auto env = workload.find("secret_env");
  auto file = workload.find("secret_file");
  if (env && file) workload.fail("give secret_env or secret_file, not both");
  if (env) {
    const std::string name = env->as_string();
    const char* value = std::getenv(name.c_str());
    if (!value || !*value)
      env->fail(fmt::format("the environment variable {} ({}) is not set", name, what));
    return value;
  }
  std::string path = file ? file->as_string() : testbed_file;
  if (path.empty())
    workload.fail(fmt::format("{} is needed: add secret_env: NAME or secret_file: PATH", what));
  std::ifstream in(path);
  std::string secret;
  std::getline(in, secret);
  if (secret.empty()) {
    std::string message = fmt::format("cannot read {} from {}", what, path);
    if (file) file->fail(message);
    workload.fail(message);
  }
  return secret;
}

}  // namespace loadgate
