#include "harness/secret_source.h"

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace loadgate {

std::string read_secret_setting(const ConfigNode& workload, const std::string& prefix,
                                const std::string& testbed_file, const std::string& what) {
  auto env = workload.find(prefix + "_env");
  auto file = workload.find(prefix + "_file");
  if (env && file) workload.fail(fmt::format("give {0}_env or {0}_file, not both", prefix));
  if (env) {
    const std::string name = env->as_string();
    const char* value = std::getenv(name.c_str());
    if (!value || !*value)
      env->fail(fmt::format("the environment variable {} ({}) is not set", name, what));
    return value;
  }
  std::string path = file ? file->as_string() : testbed_file;
  if (path.empty())
    workload.fail(fmt::format("{0} is needed: add {1}_env: NAME or {1}_file: PATH", what, prefix));
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

std::string read_database_password(const ConfigNode& node, const std::string& what) {
  if (!node.has("password_env") && !node.has("password_file")) return "";
  return read_secret_setting(node, "password", "", what);
}

}  // namespace loadgate
