#include "faults/aurora_wake.h"
#include "faults/testbed_of_fault.h"

#include <random>

#include <fmt/format.h>

#include "faults/proxy_client.h"
#include "harness/clock.h"
#include "harness/process.h"
#include "testbed/postgres_failover.h"

namespace loadgate {
namespace {

Duration positive_duration(const ConfigNode& node) {
  const Duration d = node.as_duration();
  if (d <= Duration::zero()) node.fail("expected a duration above 0");
  return d;
}

}  // namespace

AuroraWake::AuroraWake(const FaultSpec& spec, std::filesystem::path testbed_dir)
    : dir_(std::move(testbed_dir)) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node, {"idle_seconds", "resume_delay", "wait_for_idle", "wait_for_connection"});
  if (auto idle = node.find("idle_seconds"))
    idle_ = std::chrono::seconds(idle->as_integer(0, 24 * 3600));
  if (auto delay = node.find("resume_delay")) {
    if (!delay->is_list()) {
      delay_min_ = delay_max_ = delay->as_duration();
    } else {
      const auto bounds = delay->as_list();
      if (bounds.size() != 2) delay->fail("expected one duration, or [min, max]");
      delay_min_ = bounds[0].as_duration();
      delay_max_ = bounds[1].as_duration();
    }
    if (delay_min_ < Duration::zero() || delay_max_ < delay_min_)
      delay->fail("expected 0 <= min <= max");
  }
  if (auto wait = node.find("wait_for_idle")) wait_for_idle_ = positive_duration(*wait);
  if (auto wait = node.find("wait_for_connection")) wait_for_connection_ = positive_duration(*wait);
  const auto state = testbed::read_state(dir_);
  if (!state) node.fail(fmt::format("wake needs a testbed; none in {}", dir_.string()));
  try {
    ProxyClient::of_testbed(*state, "endpoint-proxy");
  } catch (const FaultError& e) {
    node.fail(e.what());
  }
}

std::string AuroraWake::describe() const {
  return fmt::format("wake (pause after {} idle, resume delay {}–{})", format_duration(idle_),
                     format_duration(delay_min_), format_duration(delay_max_));
}

std::vector<std::string> AuroraWake::plan() const {
  return {fmt::format("inject:  wait (up to {}) until the endpoint has had no connection for {}",
                      format_duration(wait_for_idle_), format_duration(idle_)),
          "         pause: endpoint-proxy holds new connections, postgres-primary stops",
          fmt::format("         on the first connection (within {}): start postgres-primary, "
                      "wait {}–{}, let the held connections through",
                      format_duration(wait_for_connection_), format_duration(delay_min_),
                      format_duration(delay_max_)),
          "recover: endpoint-proxy forwards; postgres-primary runs"};
}

void AuroraWake::inject() {
  timings_.clear();
  auto state = testbed_of_fault(dir_);
  const auto proxy = ProxyClient::of_testbed(state, "endpoint-proxy");
  const auto began = Clock::now();
  for (;;) {
    const auto answer = proxy.send(fmt::format("hold-if-idle {}", to_millis(idle_)));
    if (answer.ok) break;
    if (stopping()) return;  // never paused: nothing to undo
    if (Clock::now() - began > wait_for_idle_)
      throw FaultError(fmt::format(
          "the endpoint never went {} without a connection within {} ({}); behind pgbouncer "
          "the load must pause for server_idle_timeout plus idle_seconds",
          format_duration(idle_), format_duration(wait_for_idle_), answer.detail));
    wait_until(Clock::now() + std::chrono::milliseconds(100));
  }
  timings_["paused_after"] = Clock::now() - began;
  try {
    testbed::stop_postgres(testbed::primary_of(state));
  } catch (const std::exception& e) {
    throw FaultError(fmt::format("cannot pause: {}", e.what()));
  }
  // The wait happens in the proxy, a second at a time, so a stop is seen.
  const auto give_up = Clock::now() + wait_for_connection_;
  while (proxy.send("wait-held 1000", std::chrono::seconds(6)).detail == "held=0")
    if (Clock::now() >= give_up || stopping()) return;  // nobody came: recover() wakes it
  const auto first_connection = Clock::now();
  timings_["first_connection_after_pause"] = first_connection - began - timings_["paused_after"];
  try {
    testbed::restart_postgres(state, "postgres-primary");
  } catch (const std::exception& e) {
    throw FaultError(fmt::format("cannot wake: {}", e.what()));
  }
  timings_["postgres_start"] = Clock::now() - first_connection;
  std::mt19937_64 rng{std::random_device{}()};
  const Duration delay(
      std::uniform_int_distribution<int64_t>(delay_min_.count(), delay_max_.count())(rng));
  timings_["resume_delay"] = delay;
  if (!wait_until(Clock::now() + delay)) return;  // recover() lets the held connections through
  proxy.send("mode forward");
  timings_["held_for"] = Clock::now() - first_connection;
}

void AuroraWake::recover() {
  auto state = testbed_of_fault(dir_);
  std::string failed;
  try {
    const auto& primary = testbed::primary_of(state);
    if (!process_alive(primary.pid, primary.start_ticks))
      testbed::restart_postgres(state, primary.name);
  } catch (const std::exception& e) {
    failed = fmt::format("cannot wake postgres-primary: {}", e.what());
  }
  // Whatever happened to Postgres, the endpoint must not keep holding every connection.
  ProxyClient::of_testbed(state, "endpoint-proxy").send("mode forward");
  if (!failed.empty()) throw FaultError(failed);
}

}  // namespace loadgate
