#include "faults/pgbouncer_console.h"

#include <fmt/format.h>

#include "faults/pgbouncer_restart.h"
#include "harness/libpq_connection.h"
#include "harness/libpq_text.h"
#include "harness/query_watchdog.h"
#include "harness/secret_source.h"
#include "testbed/testbed_state.h"

namespace loadgate {
namespace {

// PAUSE returns only once every server connection is free: bounded, so a stuck transaction
// behind it cannot hold the fault timeline (or the run's end) forever.
constexpr auto kCommandTimeout = std::chrono::seconds(30);

}  // namespace

PgbouncerConsole::PgbouncerConsole(const FaultSpec& spec,
                                   const std::optional<std::filesystem::path>& testbed_dir) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node,
                   {"mode", "which", "admin_dsn", "password_env", "password_file", "database"});
  mode_ = node.at("mode").as_string();
  if (auto admin_dsn = node.find("admin_dsn")) {
    if (node.has("which")) node.at("which").fail("give which (testbed) or admin_dsn, not both");
    const std::string password = read_database_password(node, "the pgbouncer admin password");
    for (const auto& dsn : admin_dsn->as_list())
      consoles_.push_back({describe_dsn(dsn.as_string()), written_dsn(dsn), password});
    if (!node.has("database")) node.fail("give database: the pgbouncer database to act on");
  } else {
    if (!testbed_dir) node.fail("against a real deployment give admin_dsn: the console's DSN");
    const auto state = testbed::read_state(*testbed_dir);
    if (!state) node.fail(fmt::format("no testbed in {}", testbed_dir->string()));
    const std::string password = testbed::read_secret(state->admin_password_file);
    for (const auto& p : chosen_pgbouncers(node, *state))
      consoles_.push_back({p.name, state->admin_console_dsn(p), password});
    database_ = state->database;
  }
  if (auto database = node.find("database")) database_ = database->as_string();
}

std::vector<std::string> PgbouncerConsole::hosts() const {
  std::vector<std::string> hosts;
  for (const auto& console : consoles_)
    for (auto& host : dsn_hosts(console.dsn)) hosts.push_back(std::move(host));
  return hosts;
}

std::string PgbouncerConsole::describe() const {
  std::vector<std::string> names;
  for (const auto& c : consoles_) names.push_back(c.name);
  return fmt::format("pgbouncer-restart {} of {} on {}", mode_, database_, fmt::join(names, ", "));
}

PgResult console_command(const std::string& name, const std::string& dsn,
                         const std::string& password, const std::string& command) {
  const PgConnection connection = connect_libpq(dsn, password, 5);
  auto fail = [&](const char* message) {
    throw FaultError(fmt::format("{} on {}: {}", command, name, single_line(message)));
  };
  if (PQstatus(connection.get()) != CONNECTION_OK) fail(PQerrorMessage(connection.get()));
  QueryWatchdog watchdog;
  const uint64_t ticket = watchdog.arm(PQsocket(connection.get()), Clock::now() + kCommandTimeout);
  PgResult result(PQexec(connection.get(), command.c_str()), PQclear);
  if (watchdog.disarm(ticket)) fail("no answer within 30 s");
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(connection.get()));
  return result;
}

std::string console_version(const std::string& dsn, const std::string& password) {
  try {
    const PgResult rows = console_command(dsn, dsn, password, "SHOW VERSION");
    if (PQntuples(rows.get()) > 0 && PQnfields(rows.get()) > 0) return PQgetvalue(rows.get(), 0, 0);
  } catch (const FaultError&) {
  }
  return "";
}

void PgbouncerConsole::send(Console& console, const std::string& command) {
  console_command(console.name, console.dsn, console.password, command);
}

void PgbouncerConsole::inject() {
  if (mode_ == "reconnect")  // RECONNECT came in 1.15; an older console would say "unknown command"
    for (const auto& console : consoles_)
      if (const std::string version = console_version(console.dsn, console.password);
          !version.empty() && !pgbouncer_at_least(version, 1, 15))
        throw FaultError(
            fmt::format("mode reconnect needs pgbouncer 1.15 or later (RECONNECT); {} "
                        "runs {}: use mode pause or kill-database",
                        console.name, version));
  const std::string command = (mode_ == "pause"       ? "PAUSE "
                               : mode_ == "reconnect" ? "RECONNECT "
                                                      : "KILL ") +
                              database_;
  for (auto& console : consoles_) {
    // Marked first: a PAUSE that timed out may still have paused it.
    console.injected = true;
    send(console, command);
  }
}

void PgbouncerConsole::assume_injected() {
  for (auto& console : consoles_) console.injected = true;
}

void PgbouncerConsole::recover() {
  // RESUME undoes PAUSE and KILL; RECONNECT leaves nothing to undo. Every console is tried, and
  // one that is not paused (its injection never arrived) is fine.
  if (mode_ == "reconnect") return;
  std::vector<std::string> errors;
  for (auto& console : consoles_) {
    if (!console.injected) continue;
    try {
      send(console, "RESUME " + database_);
      console.injected = false;
    } catch (const FaultError& e) {
      const std::string message = e.what();
      if (message.find("not paused") != std::string::npos) {
        console.injected = false;
        continue;
      }
      errors.push_back(message);
    }
  }
  if (!errors.empty()) throw FaultError(fmt::format("{}", fmt::join(errors, "; ")));
}

}  // namespace loadgate
