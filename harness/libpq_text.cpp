#include "harness/libpq_text.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace loadgate {
namespace {

using ParsedConninfo = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

// libpq's reading of `dsn`: null when it cannot be parsed, with libpq's reason in `error`.
ParsedConninfo parse_conninfo(const std::string& dsn, std::string* error = nullptr) {
  char* reason = nullptr;
  ParsedConninfo parsed(PQconninfoParse(dsn.c_str(), &reason), PQconninfoFree);
  if (!parsed && error) *error = reason ? single_line(reason) : "cannot be parsed";
  PQfreemem(reason);
  return parsed;
}

}  // namespace

std::string libpq_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::optional<DsnParts> dsn_parts(const std::string& dsn, std::string* error) {
  const ParsedConninfo parsed = parse_conninfo(dsn, error);
  if (!parsed) return std::nullopt;
  DsnParts parts;
  for (auto* option = parsed.get(); option->keyword; ++option) {
    if (!option->val) continue;
    const std::string keyword = option->keyword;
    if (keyword == "user") parts.user = option->val;
    if (keyword == "host" || keyword == "hostaddr") parts.host = option->val;
    if (keyword == "port") parts.port = option->val;
    if (keyword == "dbname") parts.dbname = option->val;
  }
  return parts;
}

std::vector<std::string> dsn_hosts(const std::string& dsn) {
  const ParsedConninfo parsed = parse_conninfo(dsn);
  if (!parsed) return {};
  std::vector<std::string> hosts;
  std::string service;
  auto add_list = [&hosts](std::string_view list) {
    for (size_t begin = 0; begin <= list.size();) {
      const size_t comma = std::min(list.find(',', begin), list.size());
      if (comma > begin) hosts.emplace_back(list.substr(begin, comma - begin));
      begin = comma + 1;
    }
  };
  for (auto* option = parsed.get(); option->keyword; ++option) {
    if (!option->val) continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "host" || keyword == "hostaddr") add_list(option->val);
    if (keyword == "service") service = option->val;
  }
  if (!hosts.empty()) return hosts;
  if (!service.empty()) return {"service=" + service};
  for (const char* variable : {"PGHOST", "PGHOSTADDR"})
    if (const char* value = std::getenv(variable); value && *value) {
      add_list(value);
      return hosts;
    }
  return {"/var/run/postgresql"};  // Debian's libpq: its Unix socket directory
}

std::vector<std::string> dsn_hosts(const std::vector<std::string>& dsns) {
  std::vector<std::string> hosts;
  for (const auto& dsn : dsns)
    for (auto& host : dsn_hosts(dsn)) hosts.push_back(std::move(host));
  return hosts;
}

bool dsn_has_password(const std::string& dsn) {
  const ParsedConninfo parsed = parse_conninfo(dsn);
  if (!parsed) return dsn.find("password") != std::string::npos;  // no telling: say so
  for (auto* option = parsed.get(); option->keyword; ++option)
    if (option->val && *option->val && std::string_view(option->keyword) == "password") return true;
  return false;
}

std::string describe_dsn(const std::string& dsn) {
  const std::optional<DsnParts> parts = dsn_parts(dsn);
  if (!parts) return "(unparsable DSN)";
  return fmt::format("{}{}:{}/{}", parts->user.empty() ? "" : parts->user + "@", parts->host,
                     parts->port, parts->dbname);
}

std::string single_line(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c != '\n' && c != '\t')
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace loadgate
