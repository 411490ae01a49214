// Text to and from libpq: a value quoted for a key=value connection string, and libpq's
// multi-line messages ("...failed: Connection refused\n\tIs the server running...") on one
// line, for summaries and error lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadgate {

// 'value', with backslashes and quotes escaped, as libpq reads a key=value setting.
std::string libpq_quoted(std::string_view value);

// Where a key=value or URI connection string goes, as libpq parses it (defaults filled in);
// nullopt when it cannot be parsed, with libpq's reason in `error` when given.
struct DsnParts {
  std::string user, host = "localhost", port = "5432", dbname;
};
std::optional<DsnParts> dsn_parts(const std::string& dsn, std::string* error = nullptr);

// Every host a key=value or URI connection string may connect to, as libpq reads it: each of a
// comma-separated host= and hostaddr= (a Unix socket's directory as a path), else $PGHOST or
// $PGHOSTADDR, else libpq's default socket directory. A service= whose file names the host is
// "service=NAME": no host is known. Empty when the string cannot be parsed (nor connected with).
std::vector<std::string> dsn_hosts(const std::string& dsn);
// The same of every one of `dsns`, in order.
std::vector<std::string> dsn_hosts(const std::vector<std::string>& dsns);

// Whether a key=value or URI connection string carries a password (password=, or a URI's
// user:password@).
bool dsn_has_password(const std::string& dsn);

// "user@host:port/dbname" of a key=value or URI connection string, for messages: never the
// password.
std::string describe_dsn(const std::string& dsn);

// Newlines and tabs become single spaces; trailing space goes.
std::string single_line(std::string_view message);

}  // namespace loadgate
