#include "faults/multi_az_failover.h"
#include "faults/testbed_of_fault.h"

#include <csignal>

#include <fmt/format.h>

#include "faults/proxy_client.h"
#include "harness/clock.h"
#include "harness/process.h"

namespace loadgate {
namespace {

// Points the testbed's endpoint at its current primary and lets connections through.
void point_endpoint_at_primary(const testbed::TestbedState& state) {
  const auto proxy = ProxyClient::of_testbed(state, "endpoint-proxy");
  const auto& primary = testbed::primary_of(state);
  proxy.send(fmt::format("upstream {}:{}", primary.host, primary.port));
  proxy.send("mode forward");
}

}  // namespace

MultiAzFailover::MultiAzFailover(const FaultSpec& spec, std::filesystem::path testbed_dir)
    : dir_(std::move(testbed_dir)) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node, {"mode", "dns_delay", "rebuild"});
  if (auto mode = node.find("mode")) {
    if (mode->as_string() == "freeze")
      mode_ = Mode::freeze;
    else if (mode->as_string() != "stop")
      mode->fail("expected stop (the primary is killed) or freeze (SIGSTOP: a hung AZ)");
  }
  if (auto delay = node.find("dns_delay")) {
    dns_delay_ = delay->as_duration();
    if (dns_delay_ < Duration::zero()) delay->fail("expected a duration of 0 or more");
  }
  if (auto rebuild = node.find("rebuild")) {
    if (rebuild->as_string() == "basebackup")
      rebuild_ = testbed::RebuildMethod::base_backup;
    else if (rebuild->as_string() != "rewind")
      rebuild->fail("expected rewind (pg_rewind, a base backup if it fails) or basebackup");
  }
  const auto state = testbed::read_state(dir_);
  if (!state) node.fail(fmt::format("failover needs a testbed; none in {}", dir_.string()));
  if (!state->find("postgres-standby")) node.fail("the testbed has no standby to fail over to");
  try {
    ProxyClient::of_testbed(*state, "endpoint-proxy");
  } catch (const FaultError& e) {
    node.fail(e.what());
  }
}

std::string MultiAzFailover::describe() const {
  return fmt::format("failover ({} the primary, DNS switch after {})",
                     mode_ == Mode::stop ? "stop" : "freeze", format_duration(dns_delay_));
}

std::vector<std::string> MultiAzFailover::plan() const {
  return {
      mode_ == Mode::stop
          ? "inject:  stop postgres-primary at once (SIGQUIT), endpoint refuses and resets"
          : "inject:  freeze postgres-primary and its backends (SIGSTOP): connections hang",
      "         promote postgres-standby (pg_promote), run it without a synchronous standby",
      fmt::format("         {} after the start, point endpoint-proxy at the new primary",
                  format_duration(dns_delay_)),
      fmt::format("recover: rebuild the old primary as the new standby ({}), wait for streaming",
                  rebuild_ == testbed::RebuildMethod::rewind ? "pg_rewind" : "base backup")};
}

void MultiAzFailover::inject() {
  primary_lost_ = promotion_asked_ = promoted_ = false;
  timings_.clear();
  const auto began = Clock::now();
  auto since_began = [&] { return Clock::now() - began; };
  auto state = testbed_of_fault(dir_);
  try {
    const auto primary = testbed::primary_of(state);
    const auto standby = testbed::standby_of(state);
    if (!process_alive(primary.pid, primary.start_ticks))
      throw FaultError("postgres-primary is not running: nothing to fail over from");
    if (!process_alive(standby.pid, standby.start_ticks))
      throw FaultError("postgres-standby is not running: nothing to fail over to");
    const auto proxy = ProxyClient::of_testbed(state, "endpoint-proxy");
    primary_lost_ = true;
    if (mode_ == Mode::stop) {
      proxy.send("mode refuse");  // the name still points at a host that is gone
      if (!stop_process(primary.pid, primary.start_ticks, std::chrono::seconds(10), SIGQUIT))
        throw FaultError("postgres-primary did not stop");
      proxy.send("reset");
    } else {
      testbed::freeze_postgres(primary);
    }
    timings_["primary_lost"] = since_began();
    promotion_asked_ = true;  // from here the standby may promote even if the call fails
    testbed::promote_standby(state);
    promoted_ = true;
    timings_["promoted"] = since_began();
    // Cut short by a stop: recover() points the endpoint at the new primary all the same.
    if (!wait_until(began + dns_delay_)) return;
    point_endpoint_at_primary(state);
    timings_["dns_switched"] = since_began();
  } catch (const FaultError&) {
    throw;
  } catch (const std::exception& e) {
    throw FaultError(e.what());
  }
}

void MultiAzFailover::assume_injected() {
  // The primary may be lost and a promotion asked; whether it happened, the testbed says (see
  // recover()). A promotion asked by a run now dead is done within seconds, or was never asked.
  primary_lost_ = promotion_asked_ = true;
  promoted_ = false;
  promotion_wait_ = std::chrono::seconds(10);
  made_afresh_ = true;
}

void MultiAzFailover::recover() {
  auto state = testbed_of_fault(dir_);
  // Each step is attempted whatever the one before it did: the endpoint must not be left
  // refusing because Postgres would not come back. The first failure is reported.
  std::string failed;
  auto step = [&](auto&& action) {
    try {
      action();
    } catch (const std::exception& e) {
      if (failed.empty()) failed = e.what();
    }
  };
  // Made afresh after the run died: once the promotion went through, the state already names the
  // promoted node primary and the lost one (stopped or frozen) "standby", which is rebuilt.
  if (made_afresh_) {
    made_afresh_ = false;
    step([&] {
      const auto primary = testbed::primary_of(state);
      const auto standby = testbed::standby_of(state);
      if (process_alive(primary.pid, primary.start_ticks) && !process_stopped(primary.pid) &&
          (!process_alive(standby.pid, standby.start_ticks) || process_stopped(standby.pid)))
        promoted_ = true;
    });
  }
  // A promotion asked for may have happened even though the call failed: bringing the old
  // primary back then would make two primaries.
  step([&] {
    if (promotion_asked_ && !promoted_)
      promoted_ = testbed::adopt_promotion(state, promotion_wait_);
  });
  step([&] {
    if (!primary_lost_ || promoted_) return;
    // The failover never happened: the old primary comes back as it was.
    const auto primary = testbed::primary_of(state);
    if (process_alive(primary.pid, primary.start_ticks))
      testbed::thaw_postgres(primary);
    else
      testbed::restart_postgres(state, primary.name);
  });
  step([&] { point_endpoint_at_primary(state); });
  step([&] {
    if (!promoted_) return;
    const auto began = Clock::now();
    const auto used = testbed::rebuild_standby(state, rebuild_);
    timings_[used == testbed::RebuildMethod::rewind ? "rebuild_rewind" : "rebuild_basebackup"] =
        Clock::now() - began;
  });
  if (!failed.empty()) throw FaultError(failed);
  primary_lost_ = promotion_asked_ = promoted_ = false;
}

}  // namespace loadgate
