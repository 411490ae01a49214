#include "harness/secret_source.h"

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "harness/libpq_text.h"

namespace loadgate {

std::string written_dsn(const ConfigNode& node) {
  std::string dsn = node.as_string();
  if (dsn_has_password(dsn))
    node.fail(
        "a password written in a DSN would be in the scenario, its copies and the reports: give "
        "it with password_env or password_file (or PGPASSWORD, ~/.pgpass), or the whole DSN with "
        "dsn_env where one is taken");
  return dsn;
}

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
