// The two databases a history store lives in, behind one small interface: an SQLite file (the
// default: one machine's nights) or a team's Postgres (a DSN). Both take the same SQL: `$1`, `$2`
// parameters (SQLite reads them as named ones), text in and text out.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace loadgate {

class SqlBackend {
 public:
  using Rows = std::vector<std::vector<std::string>>;  // NULL reads as ""

  virtual ~SqlBackend() = default;
  // Runs `sql` with `params` bound to $1, $2, ... and returns its rows. Throws std::runtime_error
  // with the database's message.
  virtual Rows query(const std::string& sql, const std::vector<std::string>& params = {}) = 0;
  // The type of an id column numbered by the database.
  virtual std::string id_column() const = 0;
  // Where it is, for messages: the file, or the DSN without its password.
  virtual std::string describe() const = 0;
};

// Creates the file if it is not there. Throws std::runtime_error naming it.
std::unique_ptr<SqlBackend> open_sqlite(const std::string& path);
// The password comes as libpq finds it (PGPASSWORD, ~/.pgpass), never in the DSN. Throws
// std::runtime_error naming the DSN without its password.
std::unique_ptr<SqlBackend> open_postgres(const std::string& dsn);

}  // namespace loadgate
