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

std::string describe_dsn(const std::string& dsn) {
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
      PQconninfoParse(dsn.c_str(), nullptr), PQconninfoFree);
  if (!parsed) return "(unparsable DSN)";
  std::string user, host = "localhost", port = "5432", dbname;
  for (auto* option = parsed.get(); option->keyword; ++option) {
    if (!option->val) continue;
    const std::string keyword = option->keyword;
    if (keyword == "user") user = option->val;
    if (keyword == "host" || keyword == "hostaddr") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
  }
  return fmt::format("{}{}:{}/{}", user.empty() ? "" : user + "@", host, port, dbname);
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
