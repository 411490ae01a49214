#include "observe/probes.h"

#include <algorithm>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/http_connection.h"
#include "harness/libpq_connection.h"
#include "harness/libpq_text.h"
#include "harness/process.h"
#include "harness/query_watchdog.h"
#include "harness/secret_source.h"

namespace loadgate {
namespace {

constexpr std::string_view kLayers[] = {"sql", "pgbouncer", "http", "command"};

// "host:port" of the first host a DSN names, so an sql probe can be told to go through a
// pgbouncer probe's address.
std::string address_of(const ConfigNode& node, const std::string& dsn) {
  std::string error;
  const std::optional<DsnParts> parts = dsn_parts(dsn, &error);
  if (!parts) node.fail(fmt::format("bad DSN: {}", error));
  return fmt::format("{}:{}", parts->host.substr(0, parts->host.find(',')),
                     parts->port.substr(0, parts->port.find(',')));
}

ProbeSpec read_probe(const ConfigNode& node) {
  node.require_map();
  node.allow_only({"name", "sql", "pgbouncer", "http", "command", "writable", "expect",
                   "password_env", "password_file"});
  ProbeSpec probe;
  probe.name = node.at("name").as_string();
  if (probe.name.empty() || probe.name.find_first_of(" /") != std::string::npos)
    node.at("name").fail("a probe's name is one word: it names the layer in reports");
  std::vector<std::string_view> given;
  for (size_t i = 0; i < std::size(kLayers); ++i)
    if (node.has(kLayers[i])) {
      given.push_back(kLayers[i]);
      probe.layer = static_cast<ProbeSpec::Layer>(i);
    }
  if (given.size() != 1)
    node.fail(
        fmt::format("a probe asks one layer: give one of sql, pgbouncer, http or command{}",
                    given.empty() ? "" : fmt::format(" (not {})", fmt::join(given, " and "))));
  const ConfigNode what = node.at(given.front());
  auto only_for = [&](std::string_view key, ProbeSpec::Layer layer) {
    if (node.has(key) && probe.layer != layer)
      node.at(key).fail(fmt::format("{} is for {} probes", key, kLayers[static_cast<int>(layer)]));
  };
  only_for("writable", ProbeSpec::Layer::sql);
  only_for("expect", ProbeSpec::Layer::http);
  switch (probe.layer) {
    case ProbeSpec::Layer::sql:
    case ProbeSpec::Layer::pgbouncer:
      probe.target = written_dsn(what);
      probe.address = address_of(what, probe.target);
      probe.password = read_database_password(node, "the probe's database password");
      if (auto writable = node.find("writable")) probe.writable = writable->as_bool();
      break;
    case ProbeSpec::Layer::http: {
      if (node.has("password_env") || node.has("password_file"))
        node.fail("password_env and password_file are for sql and pgbouncer probes");
      probe.target = what.as_string();
      const size_t scheme = probe.target.find("://");
      const size_t slash = probe.target.find('/', scheme == std::string::npos ? 0 : scheme + 3);
      try {
        probe.endpoint = parse_endpoint(probe.target.substr(0, slash));
      } catch (const std::invalid_argument& e) {
        what.fail(e.what());
      }
      if (slash != std::string::npos) probe.path = probe.target.substr(slash);
      if (auto expect = node.find("expect"))
        probe.expect = static_cast<int>(expect->as_integer(100, 599));
      break;
    }
    case ProbeSpec::Layer::command:
      if (node.has("password_env") || node.has("password_file"))
        node.fail(
            "password_env and password_file are for sql and pgbouncer probes; a command "
            "reads its secrets from the environment");
      if (what.is_list()) {
        for (const auto& arg : what.as_list()) probe.argv.push_back(arg.as_string());
        if (probe.argv.empty() || probe.argv[0].empty()) what.fail("a command needs a program");
        probe.target = fmt::format("{}", fmt::join(probe.argv, " "));
      } else {
        probe.target = what.as_string();
        probe.argv = {"/bin/sh", "-c", probe.target};
      }
      break;
  }
  return probe;
}

// One statement on a fresh connection, bounded by `timeout` (a server that accepts and then
// hangs, a blackhole): its rows, or why there are none.
struct Answer {
  PgResult rows{nullptr, PQclear};
  std::string problem;
};
Answer ask(const ProbeSpec& probe, const char* sql, Duration timeout) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  const PgConnection connection =
      connect_libpq(probe.target, probe.password, static_cast<int>(std::max<int64_t>(2, seconds)));
  if (PQstatus(connection.get()) != CONNECTION_OK)
    return {PgResult(nullptr, PQclear), single_line(PQerrorMessage(connection.get()))};
  static QueryWatchdog watchdog;  // one thread for every probe of the process
  const uint64_t ticket = watchdog.arm(PQsocket(connection.get()), Clock::now() + timeout);
  PgResult result(PQexec(connection.get(), sql), PQclear);
  if (watchdog.disarm(ticket))
    return {PgResult(nullptr, PQclear),
            fmt::format("no answer to {} within {}", sql, format_duration(timeout))};
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    return {PgResult(nullptr, PQclear), single_line(result ? PQresultErrorMessage(result.get())
                                                           : PQerrorMessage(connection.get()))};
  return {std::move(result), ""};
}

std::optional<std::string> probe_sql(const ProbeSpec& probe, Duration timeout) {
  const Answer answer =
      ask(probe, probe.writable ? "SELECT NOT pg_is_in_recovery()" : "SELECT 1", timeout);
  if (!answer.rows) return answer.problem;
  if (probe.writable && std::string_view(PQgetvalue(answer.rows.get(), 0, 0)) != "t")
    return std::string("a standby: pg_is_in_recovery() is true, writes are refused");
  return std::nullopt;
}

std::optional<std::string> probe_http(const ProbeSpec& probe, Duration timeout, TlsContext* tls) {
  HttpRequest request;
  request.target = probe.path;
  request.headers = {{"Connection", "close"}};
  const Exchange exchange = exchange_once(probe.endpoint, request, {timeout, timeout}, tls);
  if (exchange.error != TransportError::none) return std::string(error_class_name(exchange.error));
  if (exchange.response.status != probe.expect)
    return fmt::format("HTTP {} (expected {})", exchange.response.status, probe.expect);
  return std::nullopt;
}

std::optional<std::string> probe_command(const ProbeSpec& probe, Duration timeout) {
  // Its output would be a line every try: only whether it passed matters.
  const int status = run_to_completion({probe.argv, "/dev/null", std::nullopt, {}}, timeout);
  if (status == 0) return std::nullopt;
  return status < 0 ? fmt::format("ran past {}", format_duration(timeout))
                    : fmt::format("exited {}", status);
}

}  // namespace

ProbeSettings read_probes(const ConfigNode& node) {
  ProbeSettings settings;
  std::optional<ConfigNode> layers = node;
  if (!node.is_list()) {
    node.require_map();
    node.allow_only({"every", "between", "timeout", "healthy_within", "layers"});
    auto positive = [](const ConfigNode& value) {
      const Duration d = value.as_duration();
      if (d <= Duration::zero()) value.fail("expected a duration above 0");
      return d;
    };
    if (auto every = node.find("every")) settings.every = positive(*every);
    if (auto between = node.find("between")) settings.between = positive(*between);
    if (auto timeout = node.find("timeout")) settings.timeout = positive(*timeout);
    if (auto within = node.find("healthy_within")) settings.healthy_within = positive(*within);
    layers = node.at("layers");
  }
  for (const auto& item : layers->as_list()) {
    ProbeSpec probe = read_probe(item);
    for (const auto& other : settings.probes)
      if (other.name == probe.name)
        item.at("name").fail(fmt::format("two probes are named {}", probe.name));
    settings.probes.push_back(std::move(probe));
  }
  if (settings.probes.empty()) layers->fail("no probes: list at least one layer");
  return settings;
}

std::vector<ProbeInfo> probe_infos(const ProbeSettings& settings) {
  std::vector<ProbeInfo> infos;
  for (const auto& probe : settings.probes) {
    ProbeInfo info;
    info.name = probe.name;
    info.layer = kLayers[static_cast<int>(probe.layer)];
    info.target = probe.target;
    info.writable = probe.writable;
    if (probe.layer == ProbeSpec::Layer::sql)
      for (const auto& other : settings.probes)
        if (other.layer == ProbeSpec::Layer::pgbouncer && other.address == probe.address)
          info.through = other.name;
    infos.push_back(std::move(info));
  }
  return infos;
}

std::optional<std::string> probe_once(const ProbeSpec& probe, Duration timeout, TlsContext* tls) {
  switch (probe.layer) {
    case ProbeSpec::Layer::sql:
      return probe_sql(probe, timeout);
    case ProbeSpec::Layer::pgbouncer: {
      const Answer answer = ask(probe, "SHOW VERSION", timeout);
      return answer.rows ? std::nullopt : std::optional(answer.problem);
    }
    case ProbeSpec::Layer::http:
      return probe_http(probe, timeout, tls);
    case ProbeSpec::Layer::command:
      return probe_command(probe, timeout);
  }
  return std::nullopt;
}

std::vector<std::string> steady_state(const ProbeSettings& settings, Duration wait,
                                      TlsContext* tls) {
  const auto deadline = Clock::now() + wait;
  for (;;) {
    std::vector<std::string> problems;
    bool holds = true;
    for (const auto& probe : settings.probes) {
      try {
        problems.push_back(probe_once(probe, settings.timeout, tls).value_or(""));
      } catch (const std::exception& e) {  // it could not even try: it does not pass either
        problems.push_back(fmt::format("the probe could not try: {}", single_line(e.what())));
      }
      holds = holds && problems.back().empty();
    }
    if (holds || Clock::now() + settings.every > deadline) return problems;
    std::this_thread::sleep_for(settings.every);
  }
}

std::string describe_probe(const ProbeSpec& probe) {
  return fmt::format("{} ({} {})", probe.name, kLayers[static_cast<int>(probe.layer)],
                     probe.target);
}

std::optional<Duration> pgbouncer_login_retry(const ProbeSpec& probe, Duration timeout) {
  const Answer answer = ask(probe, "SHOW CONFIG", timeout);
  const PGresult* rows = answer.rows.get();
  if (!rows) return std::nullopt;
  const int key = PQfnumber(rows, "key"), value = PQfnumber(rows, "value");
  if (key < 0 || value < 0) return std::nullopt;
  for (int row = 0; row < PQntuples(rows); ++row)
    if (std::string_view(PQgetvalue(rows, row, key)) == "server_login_retry")
      return parse_duration(std::string(PQgetvalue(rows, row, value)) + "s");  // plain seconds
  return std::nullopt;
}

}  // namespace loadgate
