// Claims checked before the run: a misspelt metric, workload, gauge, fault kind or phase is an
// error naming its line, with a "did you mean"; a name merely absent from this run is not.
#include <catch2/catch.hpp>

#include <fstream>

#include "reports/claims.h"

using namespace loadgate;
using Catch::Matchers::Contains;

namespace {

MetricVocabulary names() {
  MetricVocabulary v;
  v.workloads = {"items", "login"};
  v.phases = {"warmup", "steady"};
  v.fault_kinds = {"pgbouncer-restart", "failover", "wake", "network", "command"};
  v.fault_timings = {{"failover", {"promoted", "dns_switched"}}};
  v.gauges = {"db.backend_connections", "process.service.cpu"};
  v.gauge_prefixes = {"db.application."};
  return v;
}

std::optional<std::string> problem(const std::string& metric) {
  return metric_problem(metric, names());
}

}  // namespace

TEST_CASE("a metric a run could measure passes, whether or not this run has it") {
  for (const char* ok :
       {"items.latency.p99", "items.latency.p99.9", "login.throughput_per_instance",
        "items.errors.rate", "items.concurrency_per_instance", "items.capacity", "items.requests",
        "ledger.lost", "fault.failover.downtime", "fault.failover.promoted.max",
        "fault.wake.held_for", "db.backend_connections.max", "db.application.loadgate-sql.max",
        "process.service.cpu.max",
        // a claim pack's workload that this scenario does not run: not measured, not an error
        "validate.throughput"}) {
    INFO(ok);
    CHECK_FALSE(problem(ok));
  }
}

TEST_CASE("a misspelt metric is named with what it most likely meant") {
  CHECK_THAT(*problem("itmes.latency.p99"),
             Contains("no workload 'itmes'") && Contains("did you mean 'items'?"));
  CHECK_THAT(*problem("items.latncy.p99"), Contains("did you mean 'latency'?"));
  CHECK_THAT(*problem("items.throughput_per_instnce"),
             Contains("did you mean 'throughput_per_instance'?"));
  CHECK_THAT(*problem("items.latency.p995x"), Contains("no latency 'p995x'"));
  CHECK_THAT(*problem("items.errors"), Contains("<workload>.errors.rate"));
  CHECK_THAT(*problem("fault.failovr.downtime"), Contains("did you mean 'failover'?"));
  CHECK_THAT(*problem("fault.failover.promotd"), Contains("did you mean 'promoted'?"));
  CHECK_THAT(*problem("fault.failover.downtime.p99"), Contains("only .max"));
  CHECK_THAT(*problem("db.backend_conections.max"),
             Contains("did you mean 'db.backend_connections'?"));
  CHECK_THAT(*problem("ledger.found"), Contains("ledger.lost"));
  CHECK_THAT(*problem("falt.failover.downtime"), Contains("did you mean 'fault'?"));
}

TEST_CASE("check_claims names the claims file's line of the misspelt name") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-claim-checks";
  std::filesystem::create_directories(dir);
  const auto file = dir / "c.yaml";
  // One claim; its sixth line is `last`.
  auto claims_with = [&](const std::string& metric, const std::string& expect,
                         const std::string& last) {
    std::ofstream(file) << "claims:\n"
                           "  - id: a\n"
                           "    source: {doc: 003.txt, quote: q}\n"
                           "    metric: "
                        << metric << "\n    expect: \"" << expect << "\"\n    " << last << "\n";
    return file;
  };
  CHECK_THROWS_WITH(
      check_claims(load_claims(claims_with("items.latency.p99", "< 50ms", "phase: stedy")),
                   names()),
      Contains("c.yaml:6:12") && Contains("no phase 'stedy'") &&
          Contains("did you mean 'steady'?"));
  CHECK_THROWS_WITH(check_claims(load_claims(claims_with("items.latency.p99", "< 50ms",
                                                         "window: during failovr")),
                                 names()),
                    Contains("c.yaml:6:13") && Contains("did you mean 'failover'?"));
  CHECK_THROWS_WITH(check_claims(load_claims(claims_with("items.errors.rate", "< 1%",
                                                         "requires: \"itmes.concurrency >= 100\"")),
                                 names()),
                    Contains("c.yaml:6:15") && Contains("did you mean 'items'?"));
  // A phase absent from this run, and not close to one of its own: not measured later.
  CHECK_NOTHROW(check_claims(
      load_claims(claims_with("items.errors.rate", "< 1%", "phase: cooldown")), names()));
  // A capacity is searched over the recorded phases only.
  CHECK_THROWS_WITH(load_claims(claims_with("items.capacity", ">= 50/s", "phase: steady")),
                    Contains("c.yaml:2:") && Contains("record: false"));
  std::filesystem::remove_all(dir);
}
