#include "harness/libpq_text.h"

#include <libpq-fe.h>

#include <memory>

#include <fmt/format.h>

namespace loadgate {

std::string libpq_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::optional<DsnParts> dsn_parts(const std::string& dsn, std::string* error) {
  char* reason = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
      PQconninfoParse(dsn.c_str(), &reason), PQconninfoFree);
  if (!parsed) {
    if (error) *error = reason ? single_line(reason) : "cannot be parsed";
    PQfreemem(reason);
    return std::nullopt;
  }
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
