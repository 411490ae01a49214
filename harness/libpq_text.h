// Text to and from libpq: a value quoted for a key=value connection string, and libpq's
// multi-line messages ("...failed: Connection refused\n\tIs the server running...") on one
// line, for summaries and error lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loadgate {

// 'value', with backslashes and quotes escaped, as libpq reads a key=value setting.
std::string libpq_quoted(std::string_view value);

// Where a key=value or URI connection string goes, as libpq parses it (defaults filled in);
// nullopt when it cannot be parsed, with libpq's reason in `error` when given.
struct DsnParts {
  std::string user, host = "localhost", port = "5432", dbname;
};
std::optional<DsnParts> dsn_parts(const std::string& dsn, std::string* error = nullptr);

// "user@host:port/dbname" of a key=value or URI connection string, for messages: never the
// password.
std::string describe_dsn(const std::string& dsn);

// Newlines and tabs become single spaces; trailing space goes.
std::string single_line(std::string_view message);

}  // namespace loadgate
