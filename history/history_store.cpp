#include "history/history_store.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "history/sql_backend.h"

namespace loadgate {
namespace {

// %.17g: a figure read back is the figure stored, in either database.
std::string number_text(double value) {
  return fmt::format("{:.17g}", value);
}

double number_of(const std::string& text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

int64_t integer_of(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void create_tables(SqlBackend& db) {
  db.query(fmt::format(
      "CREATE TABLE IF NOT EXISTS loadgate_runs (id {}, recorded_at text NOT NULL, command text "
      "NOT NULL, scenario text NOT NULL, scenario_hash text NOT NULL, labels text NOT NULL, "
      "verdict text NOT NULL, exit_code integer NOT NULL, result_dir text NOT NULL, gate_samples "
      "text)",
      db.id_column()));
  db.query("CREATE INDEX IF NOT EXISTS loadgate_runs_by_scenario ON loadgate_runs (scenario, id)");
  const char* of_a_run = "run_id bigint NOT NULL REFERENCES loadgate_runs (id) ON DELETE CASCADE";
  db.query(fmt::format(
      "CREATE TABLE IF NOT EXISTS loadgate_windows ({}, window_index integer NOT NULL, start_s "
      "double precision NOT NULL, end_s double precision NOT NULL, verdict text NOT NULL, "
      "PRIMARY KEY (run_id, window_index))",
      of_a_run));
  db.query(fmt::format(
      "CREATE TABLE IF NOT EXISTS loadgate_figures ({}, window_index integer NOT NULL, name text "
      "NOT NULL, value double precision NOT NULL, PRIMARY KEY (run_id, window_index, name))",
      of_a_run));
  db.query(fmt::format(
      "CREATE TABLE IF NOT EXISTS loadgate_claims ({}, window_index integer NOT NULL, claim text "
      "NOT NULL, verdict text NOT NULL, measured text NOT NULL, PRIMARY KEY (run_id, "
      "window_index, claim))",
      of_a_run));
}

const char* kRunColumns =
    "id, recorded_at, command, scenario, scenario_hash, labels, verdict, exit_code, result_dir, "
    "coalesce(gate_samples, '')";

HistoryEntry entry_of(const std::vector<std::string>& row) {
  HistoryEntry e;
  e.id = integer_of(row[0]);
  e.recorded_at = row[1];
  e.command = row[2];
  e.scenario = row[3];
  e.scenario_hash = row[4];
  const auto labels = nlohmann::json::parse(row[5], nullptr, false);
  if (labels.is_object())
    for (const auto& [key, value] : labels.items())
      if (value.is_string()) e.labels[key] = value.get<std::string>();
  e.verdict = row[6];
  e.exit_code = static_cast<int>(integer_of(row[7]));
  e.result_dir = row[8];
  e.gate_samples = row[9];
  return e;
}

}  // namespace

std::string HistoryEntry::label_text() const {
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : " ") + key + "=" + value;
  return text;
}

bool is_postgres_dsn(const std::string& where) {
  return where.starts_with("postgresql://") || where.starts_with("postgres://") ||
         (where.find('=') != std::string::npos &&
          (where.find("host=") != std::string::npos || where.find("dbname=") != std::string::npos));
}

HistoryStore::HistoryStore(const std::string& where)
    : db_(is_postgres_dsn(where) ? open_postgres(where) : open_sqlite(where)) {
  create_tables(*db_);
}

HistoryStore::~HistoryStore() = default;
HistoryStore::HistoryStore(HistoryStore&&) noexcept = default;

std::string HistoryStore::describe() const {
  return db_->describe();
}

int64_t HistoryStore::record(const HistoryEntry& entry) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [key, value] : entry.labels) labels[key] = value;
  db_->query("BEGIN");
  try {
    const auto rows = db_->query(
        "INSERT INTO loadgate_runs (recorded_at, command, scenario, scenario_hash, labels, "
        "verdict, exit_code, result_dir, gate_samples) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "nullif(CAST($9 AS text), '')) RETURNING id",
        {entry.recorded_at, entry.command, entry.scenario, entry.scenario_hash, labels.dump(),
         entry.verdict, std::to_string(entry.exit_code), entry.result_dir, entry.gate_samples});
    const std::string id = rows.at(0).at(0);
    auto figures = [&](int window, const std::map<std::string, double>& values) {
      for (const auto& [name, value] : values)
        db_->query(
            "INSERT INTO loadgate_figures (run_id, window_index, name, value) VALUES ($1, $2, $3, "
            "$4)",
            {id, std::to_string(window), name, number_text(value)});
    };
    auto claims = [&](int window, const std::vector<HistoryClaim>& verdicts) {
      for (const auto& c : verdicts)
        db_->query(
            "INSERT INTO loadgate_claims (run_id, window_index, claim, verdict, measured) VALUES "
            "($1, $2, $3, $4, $5)",
            {id, std::to_string(window), c.id, c.verdict, c.measured});
    };
    figures(0, entry.figures);
    claims(0, entry.claims);
    for (const auto& w : entry.windows) {
      db_->query(
          "INSERT INTO loadgate_windows (run_id, window_index, start_s, end_s, verdict) VALUES "
          "($1, $2, $3, $4, $5)",
          {id, std::to_string(w.index), number_text(w.start_s), number_text(w.end_s), w.verdict});
      figures(w.index, w.figures);
      claims(w.index, w.claims);
    }
    db_->query("COMMIT");
    return integer_of(id);
  } catch (...) {
    try {
      db_->query("ROLLBACK");
    } catch (...) {  // the connection is gone: the transaction with it
    }
    throw;
  }
}

void HistoryStore::load_details(HistoryEntry& entry) {
  const std::string id = std::to_string(entry.id);
  std::map<int, HistoryWindow> windows;
  for (const auto& row : db_->query(
           "SELECT window_index, start_s, end_s, verdict FROM loadgate_windows WHERE run_id = $1 "
           "ORDER BY window_index",
           {id})) {
    HistoryWindow& w = windows[static_cast<int>(integer_of(row[0]))];
    w.index = static_cast<int>(integer_of(row[0]));
    w.start_s = number_of(row[1]);
    w.end_s = number_of(row[2]);
    w.verdict = row[3];
  }
  for (const auto& row : db_->query(
           "SELECT window_index, name, value FROM loadgate_figures WHERE run_id = $1", {id})) {
    const int window = static_cast<int>(integer_of(row[0]));
    auto& figures = window == 0 ? entry.figures : windows[window].figures;
    figures[row[1]] = number_of(row[2]);
  }
  for (const auto& row : db_->query(
           "SELECT window_index, claim, verdict, measured FROM loadgate_claims WHERE run_id = $1 "
           "ORDER BY window_index, claim",
           {id})) {
    const int window = static_cast<int>(integer_of(row[0]));
    auto& claims = window == 0 ? entry.claims : windows[window].claims;
    claims.push_back({row[1], row[2], row[3]});
  }
  for (auto& [index, w] : windows) entry.windows.push_back(std::move(w));
}

std::vector<HistoryEntry> HistoryStore::entries(const std::string& scenario,
                                                const std::string& command, size_t last) {
  // The newest `last`, then turned oldest first.
  const auto rows = db_->query(fmt::format("SELECT {} FROM loadgate_runs WHERE scenario = $1 AND "
                                           "(CAST($2 AS text) = '' OR command = $2) "
                                           "ORDER BY id DESC{}",
                                           kRunColumns, last ? fmt::format(" LIMIT {}", last) : ""),
                               {scenario, command});
  std::vector<HistoryEntry> found;
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    found.push_back(entry_of(*row));
    load_details(found.back());
  }
  return found;
}

std::optional<HistoryEntry> HistoryStore::entry(int64_t id) {
  const auto rows = db_->query(
      fmt::format("SELECT {} FROM loadgate_runs WHERE id = $1", kRunColumns), {std::to_string(id)});
  if (rows.empty()) return std::nullopt;
  HistoryEntry e = entry_of(rows[0]);
  load_details(e);
  return e;
}

}  // namespace loadgate
