#include "workloads/db_target.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "harness/secret_source.h"

namespace loadgate {
namespace {

bool is_uri(const std::string& dsn) {
  return dsn.starts_with("postgresql://") || dsn.starts_with("postgres://");
}

std::string percent_encoded(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

std::string DbTarget::conninfo(
    size_t index, const std::vector<std::pair<std::string, std::string>>& extra) const {
  std::string info = dsns.at(index);
  auto params = extra;
  if (!password.empty()) params.emplace_back("password", password);
  const bool uri = is_uri(info);
  bool has_query = info.find('?') != std::string::npos;
  for (const auto& [key, value] : params) {
    if (uri) {
      info += (has_query ? "&" : "?") + key + "=" + percent_encoded(value);
      has_query = true;
    } else {
      info += " " + key + "=" + libpq_quoted(value);
    }
  }
  return info;
}

DbTarget read_db_target(const ConfigNode& node, const WorkloadContext& context) {
  DbTarget target;
  auto dsn = node.find("dsn");
  auto dsn_env = node.find("dsn_env");
  if (dsn && dsn_env) node.fail("give dsn or dsn_env, not both");
  if ((dsn || dsn_env) && node.has("via"))
    node.at("via").fail(
        "via chooses among a testbed's databases; with dsn or dsn_env, leave it out");
  if (dsn) {
    for (const auto& item : dsn->as_list()) {
      target.dsns.push_back(written_dsn(item));
      char* error = nullptr;
      std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
          PQconninfoParse(target.dsns.back().c_str(), &error), PQconninfoFree);
      if (!parsed) {
        const std::string reason = error ? error : "unparsable";
        PQfreemem(error);
        item.fail(fmt::format("not a libpq connection string: {}", reason));
      }
    }
  } else if (dsn_env) {
    const std::string name = dsn_env->as_string();
    const char* value = std::getenv(name.c_str());
    if (!value || !*value)
      dsn_env->fail(fmt::format("the environment variable {} (the DSN) is not set", name));
    target.dsns.push_back(value);
  } else if (auto via = node.find("via"); via && via->as_string() == "endpoint") {
    if (!context.database_endpoint_dsn.empty())
      target.dsns.push_back(context.database_endpoint_dsn);
  } else {
    if (via && via->as_string() != "pgbouncer")
      via->fail("expected pgbouncer (the testbed's pgbouncers) or endpoint (the endpoint proxy)");
    target.dsns = context.database_dsns;
  }
  if (target.dsns.empty())
    node.fail("no database to connect to: give dsn: or dsn_env: (or run against a testbed)");
  const bool own_dsn = dsn || dsn_env;
  if (node.has("password_env") || node.has("password_file") || !own_dsn)
    target.password = read_secret_setting(node, "password", own_dsn ? "" : context.db_password_file,
                                          "the database password");
  return target;
}

}  // namespace loadgate
