// `loadgate run` against targets that answer with more than any client should read: endless
// headers, an endless body, a 10 GB Content-Length, a response trickled a byte at a time. Each
// must end as its own error class in result.json, and loadgate's peak memory (measured from
// outside by time(1)) must stay bounded while the peer would have sent gigabytes.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/loopback_peer.h"

using namespace loadgate;
using namespace loadgate::test;

namespace {

struct HostileRun {
  nlohmann::json workload;  // result.json's only workload
  long peak_rss_kb = 0;
  std::string output;
};

HostileRun run_against(PeerBehaviour behaviour, const std::string& tag) {
  LoopbackPeer peer(behaviour);
  const Endpoint at = peer.endpoint();
  const std::string scenario =
      write_scenario(tag + ".yaml",
                     "name: hostile\n"
                     "target: {urls: [http://127.0.0.1:" +
                         std::to_string(at.port) +
                         "]}\n"
                         "duration: 3s\n"
                         "client: {request_timeout: 1s, max_response_body: 256KiB}\n"
                         "workloads:\n  get:\n    kind: jwt\n"
                         "    executor: {type: constant-arrival-rate, rate: 40/s}\n"
                         "    secret_env: HOME\n");
  const auto out = scratch_dir() / tag;
  CommandResult run = run_command("/usr/bin/time -f 'peak_rss_kb=%M' " + loadgate_bin() + " run " +
                                  scenario + " --out " + out.string());
  HostileRun hostile;
  hostile.output = run.output;
  std::smatch m;
  if (std::regex_search(run.output, m, std::regex("peak_rss_kb=([0-9]+)")))
    hostile.peak_rss_kb = std::stol(m[1]);
  std::ifstream in(out / "result.json");
  if (in) hostile.workload = nlohmann::json::parse(in)["workloads"][0];
  return hostile;
}

// Every request failed, and as `error_class`: none was read whole, none counted as another class.
void check_all_failed_as(const HostileRun& run, const std::string& error_class) {
  INFO(run.output);
  REQUIRE(run.workload.is_object());
  const uint64_t attempts = run.workload["attempts"];
  CHECK(attempts >= 40);
  CHECK(run.workload["ok"] == 0);
  REQUIRE(run.workload["errors"].contains(error_class));
  // Requests still in flight at the end are cancelled, not misclassified.
  const uint64_t as_class = run.workload["errors"][error_class];
  const uint64_t cancelled = run.workload["errors"].value("cancelled", uint64_t{0});
  CHECK(as_class + cancelled == attempts);
  CHECK(as_class >= attempts / 2);
  // 40 requests a second, each cut off at 256 KiB (a body) or 64 KiB (headers): the run's
  // own footprint (about 30 MB) and a few megabytes in flight, never the gigabytes on offer.
  CHECK(run.peak_rss_kb > 0);
  CHECK(run.peak_rss_kb < 150 * 1024);
}

}  // namespace

TEST_CASE("endless headers end as headers_too_large, memory bounded", "[cli]") {
  check_all_failed_as(run_against(PeerBehaviour::endless_headers, "headers"), "headers_too_large");
}

TEST_CASE("an endless chunked body ends as body_too_large, memory bounded", "[cli]") {
  check_all_failed_as(run_against(PeerBehaviour::endless_body, "body"), "body_too_large");
}

TEST_CASE("a 10 GB Content-Length ends as body_too_large, memory bounded", "[cli]") {
  check_all_failed_as(run_against(PeerBehaviour::huge_length, "length"), "body_too_large");
}

TEST_CASE("a response trickled a byte at a time ends as a timeout, memory bounded", "[cli]") {
  check_all_failed_as(run_against(PeerBehaviour::slowloris, "slowloris"), "timeout");
}
