#include <fmt/format.h>

#include "harness/libpq_connection.h"
#include "harness/libpq_text.h"
#include "history/sql_backend.h"

namespace loadgate {
namespace {

class PostgresBackend : public SqlBackend {
 public:
  explicit PostgresBackend(const std::string& dsn)
      : where_(describe_dsn(dsn)), connection_(connect_libpq(dsn, "", 10)) {
    if (PQstatus(connection_.get()) != CONNECTION_OK)
      throw std::runtime_error(
          fmt::format("history {}: {}", where_, single_line(PQerrorMessage(connection_.get()))));
    query("SET client_min_messages = warning", {});  // CREATE ... IF NOT EXISTS notices
  }

  Rows query(const std::string& sql, const std::vector<std::string>& params) override {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PgResult result(PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0),
                    &PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(
          fmt::format("history {}: {}", where_, single_line(PQerrorMessage(connection_.get()))));
    Rows rows(static_cast<size_t>(PQntuples(result.get())));
    for (size_t r = 0; r < rows.size(); ++r)
      for (int c = 0; c < PQnfields(result.get()); ++c)
        rows[r].emplace_back(PQgetvalue(result.get(), static_cast<int>(r), c));
    return rows;
  }
  std::string id_column() const override { return "bigserial PRIMARY KEY"; }
  std::string describe() const override { return where_; }

 private:
  std::string where_;
  PgConnection connection_;
};

}  // namespace

std::unique_ptr<SqlBackend> open_postgres(const std::string& dsn) {
  return std::make_unique<PostgresBackend>(dsn);
}

}  // namespace loadgate
