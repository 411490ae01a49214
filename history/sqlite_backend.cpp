#include <sqlite3.h>

#include <fmt/format.h>

#include "history/sql_backend.h"

namespace loadgate {
namespace {

class SqliteBackend : public SqlBackend {
 public:
  explicit SqliteBackend(std::string path) : path_(std::move(path)) {
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error(fmt::format("history {}: {}", path_, why));
    }
    // A nightly job and a person running `loadgate history` may meet: wait rather than fail.
    sqlite3_busy_timeout(db_, 10'000);
    query("PRAGMA foreign_keys = ON", {});
  }
  ~SqliteBackend() override { sqlite3_close(db_); }

  Rows query(const std::string& sql, const std::vector<std::string>& params) override {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("history {}: {}", path_, sqlite3_errmsg(db_)));
    struct Finalize {
      sqlite3_stmt* s;
      ~Finalize() { sqlite3_finalize(s); }
    } finalize{statement};
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = sqlite3_bind_parameter_index(statement, fmt::format("${}", i + 1).c_str());
      if (index > 0)
        sqlite3_bind_text(statement, index, params[i].data(), static_cast<int>(params[i].size()),
                          SQLITE_TRANSIENT);
    }
    Rows rows;
    for (int step; (step = sqlite3_step(statement)) != SQLITE_DONE;) {
      if (step != SQLITE_ROW)
        throw std::runtime_error(fmt::format("history {}: {}", path_, sqlite3_errmsg(db_)));
      auto& row = rows.emplace_back();
      for (int c = 0; c < sqlite3_column_count(statement); ++c) {
        const auto* text = sqlite3_column_text(statement, c);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
    }
    return rows;
  }
  std::string id_column() const override { return "INTEGER PRIMARY KEY"; }
  std::string describe() const override { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<SqlBackend> open_sqlite(const std::string& path) {
  return std::make_unique<SqliteBackend>(path);
}

}  // namespace loadgate
