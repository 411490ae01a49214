// Steady-state probes (Chaos Toolkit's steady-state hypothesis, by layer): a scenario lists how to
// ask each layer of the deployment whether it works, from the database up to the service.
//
//   probes:
//     every: 250ms      # while a fault is in, and until every probe is back (default 250ms)
//     between: 5s       # the rest of the run (default 5s)
//     timeout: 1s       # each try's own limit (default 1s; libpq connects within 2s at least)
//     healthy_within: 30s   # after the run, every probe passes again within this (default 30s)
//     layers:           # from the bottom up: the order the downtime is attributed in
//       - {name: database, sql: "host=db-1,db-2 dbname=app user=app
//       target_session_attrs=read-write",
//          writable: true}                     # SELECT NOT pg_is_in_recovery() must be true
//       - {name: pgbouncer, pgbouncer: "host=pgb port=6432 dbname=pgbouncer user=stats"}
//       - {name: pool, sql: "host=pgb port=6432 dbname=app user=app"}     # SELECT 1
//       - {name: service, http: "https://api.staging.example.com/healthz", expect: 200}
//       - {name: dns, command: "getent hosts db.internal | grep -q 10.0.1."}   # exits 0
//
// `probes:` may also be the list of layers alone. An sql or pgbouncer probe takes password_env /
// password_file, or libpq finds the password as psql does. Before the run every probe must pass
// (a deployment that is not steady is no baseline: the run does not start); after it, they are
// the deployment's health check, whoever started it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/config_node.h"
#include "harness/http_types.h"
#include "harness/results.h"
#include "harness/tls_context.h"

namespace loadgate {

struct ProbeSpec {
  enum class Layer { sql, pgbouncer, http, command };
  std::string name;
  Layer layer = Layer::sql;
  std::string target;             // the DSN (never a password), URL or command line, as shown
  std::string password;           // sql and pgbouncer: given apart from the DSN; empty: libpq's own
  std::string address;            // sql and pgbouncer: "host:port" as libpq reads the DSN
  bool writable = false;          // sql: a primary, not a standby
  Endpoint endpoint;              // http
  std::string path = "/";         // http
  int expect = 200;               // http
  std::vector<std::string> argv;  // command
};

struct ProbeSettings {
  Duration every = std::chrono::milliseconds(250);
  Duration between = std::chrono::seconds(5);
  Duration timeout = std::chrono::seconds(1);
  Duration healthy_within = std::chrono::seconds(30);
  std::vector<ProbeSpec> probes;
};

// Reads a scenario's `probes:`; throws ConfigError naming the line.
ProbeSettings read_probes(const ConfigNode& node);

// The probes as a run reports them: names, layers, targets, and which pgbouncer probe an sql
// probe goes through (the same address).
std::vector<ProbeInfo> probe_infos(const ProbeSettings& settings);

// One try of a probe: empty when its layer answered as expected, else why not, on one line
// ("connection refused", "a standby: pg_is_in_recovery()", "HTTP 503 (expected 200)"). Throws
// when it could not even try (a command that cannot be started, no thread or file to be had):
// that says nothing of the layer.
std::optional<std::string> probe_once(const ProbeSpec& probe, Duration timeout,
                                      TlsContext* tls = nullptr);

// Every probe tried until all pass, for at most `wait` (none: once each): for each probe, in
// order, why it still fails, or empty. The check before a run (wait 0) and the health check
// after it.
std::vector<std::string> steady_state(const ProbeSettings& settings, Duration wait,
                                      TlsContext* tls = nullptr);
// "database (sql host=db dbname=app user=app)": a probe in messages.
std::string describe_probe(const ProbeSpec& probe);

// A pgbouncer's server_login_retry (SHOW CONFIG): after a failed server login it waits that long
// before the next, and its clients fail meanwhile. Empty when the console does not say.
std::optional<Duration> pgbouncer_login_retry(const ProbeSpec& probe, Duration timeout);

}  // namespace loadgate
