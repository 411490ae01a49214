// Which layer a fault's downtime came from: each probed layer's outage in the fault's window,
// read from the probes' changes, and the sentence that orders them and names the likely cause.
#include <catch2/catch.hpp>

#include "reports/downtime_attribution.h"

using namespace loadgate;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

// database (writable) beneath pgbouncer's console, the pool through it, and the service.
std::vector<ProbeInfo> layered(std::optional<Duration> login_retry) {
  std::vector<ProbeInfo> probes(4);
  probes[0].name = "database";
  probes[0].layer = "sql";
  probes[0].writable = true;
  probes[1].name = "pgbouncer";
  probes[1].layer = "pgbouncer";
  probes[1].server_login_retry = login_retry;
  probes[2].name = "pool";
  probes[2].layer = "sql";
  probes[2].through = "pgbouncer";
  probes[3].name = "service";
  probes[3].layer = "http";
  return probes;
}

FaultEvent failover_with(std::vector<LayerOutage> layers, std::optional<Duration> recovered) {
  FaultEvent event;
  event.kind = "failover";
  event.layers = std::move(layers);
  FaultImpact impact;
  impact.workload = "items";
  impact.first_error = 250ms;
  impact.recovered = recovered;
  event.impacts.push_back(impact);
  return event;
}

}  // namespace

TEST_CASE("a layer's outage in a window: down from its first failed try, back for good") {
  const std::vector<ProbeInfo> probes = layered(std::nullopt);
  // The pool flaps once in the window; the service is down before the window and back in it.
  const std::vector<ProbeChange> changes = {
      {3, 8s, false, "HTTP 503 (expected 200)"},
      {2, 10'500ms, false, "connection refused"},
      {2, 11s, true, ""},
      {2, 12s, false, "server login has been failing"},
      {2, 25s, true, ""},
      {3, 26s, true, ""},
      {0, 40s, false, "late"},  // after the window: not its business
  };
  const auto outages = layer_outages(changes, probes, 10s, 30s);
  REQUIRE(outages.size() == 4);
  CHECK_FALSE(outages[0].down);
  CHECK_FALSE(outages[1].down);
  CHECK(outages[2].down == 500ms);
  CHECK(outages[2].back == 15s);  // the second return, the one that lasted
  CHECK(outages[2].reason == "connection refused");
  CHECK(outages[3].down == 0s);  // already down when the window began
  CHECK(outages[3].back == 16s);
  CHECK(outages[3].reason == "HTTP 503 (expected 200)");

  // Still down when the window ends: never back.
  const auto cut = layer_outages(changes, probes, 10s, 20s);
  CHECK(cut[2].down == 500ms);
  CHECK_FALSE(cut[2].back);
}

TEST_CASE("downtime after the database was back is put on pgbouncer's server_login_retry") {
  const FaultEvent event = failover_with({{"database", 0s, 5s, "refused"},
                                          {"pgbouncer", std::nullopt, std::nullopt},
                                          {"pool", 250ms, 15s, "timeout"},
                                          {"service", 250ms, 15'250ms, "HTTP 503 (expected 200)"}},
                                         16s);
  const std::string said = attribute_downtime(event, layered(15s));
  CHECK_THAT(said, Contains("database writable again at +5.00s"));
  CHECK_THAT(said, Contains("pgbouncer up throughout"));
  CHECK_THAT(said, Contains("pool back at +15.00s, service back at +15.25s, workloads back at "
                            "+16.00s"));
  CHECK_THAT(said, Contains("10s of the downtime came after database was back, until pool was"));
  CHECK_THAT(said, Contains("pgbouncer's server_login_retry (15s) is the likely cause"));

  // A wait longer than the retry is not put on it alone; unknown retry, no cause named.
  CHECK_THAT(attribute_downtime(event, layered(3s)),
             Contains("longer than pgbouncer's server_login_retry (3s), so not that alone"));
  CHECK_THAT(attribute_downtime(event, layered(std::nullopt)), !Contains("server_login_retry"));
}

TEST_CASE("downtime while every layer beneath was up, and the workloads' own wait") {
  // The database's outage fell between two tries: only the pool saw the failover.
  const FaultEvent pool_only = failover_with({{"database", std::nullopt, std::nullopt},
                                              {"pgbouncer", std::nullopt, std::nullopt},
                                              {"pool", 250ms, 14'250ms, "timeout"},
                                              {"service", 250ms, 14'500ms, "timeout"}},
                                             15s);
  CHECK_THAT(attribute_downtime(pool_only, layered(15s)),
             Contains("14s of the downtime came while database and pgbouncer were up, until "
                      "pool was; pgbouncer's server_login_retry (15s) is the likely cause"));

  // Every layer back at once, the workloads 8 s later: their own reconnect.
  const FaultEvent clients = failover_with({{"database", 0s, 2s, "refused"},
                                            {"pgbouncer", std::nullopt, std::nullopt},
                                            {"pool", 0s, 2'250ms, "refused"},
                                            {"service", 0s, 2'500ms, "timeout"}},
                                           10'500ms);
  CHECK_THAT(attribute_downtime(clients, layered(15s)),
             Contains("8s of the downtime came after service was back, until the workloads were "
                      "back (their own reconnect"));
}

TEST_CASE("a layer that never came back, or no layer down, is said as such") {
  const FaultEvent never = failover_with({{"database", 0s, 3s, "refused"},
                                          {"pgbouncer", std::nullopt, std::nullopt},
                                          {"pool", 0s, 3s, "refused"},
                                          {"service", 0s, std::nullopt, "HTTP 503 (expected 200)"}},
                                         std::nullopt);
  const std::string said = attribute_downtime(never, layered(15s));
  CHECK_THAT(said, Contains("service NEVER BACK"));
  CHECK_THAT(said, Contains("workloads NOT back"));
  // Nothing waits on a layer above one that never returned: only the database's own outage.
  CHECK_THAT(said, Contains("3s of the downtime was database's own outage"));

  const FaultEvent calm = failover_with({{"database", std::nullopt, std::nullopt}}, 1s);
  CHECK(attribute_downtime(calm, layered(15s)).empty());
}
