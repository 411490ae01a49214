#include "faults/network_toxic.h"

#include <fmt/format.h>

#include "testbed/proxy/tcp_proxy.h"

namespace loadgate {
namespace {

Duration duration_or(const ConfigNode& node, const char* key, Duration fallback) {
  auto value = node.find(key);
  if (!value) return fallback;
  const Duration d = value->as_duration();
  if (d < Duration::zero()) value->fail("expected a duration of 0 or more");
  return d;
}

}  // namespace

NetworkToxic::NetworkToxic(const FaultSpec& spec,
                           const std::optional<std::filesystem::path>& testbed_dir) {
  const ConfigNode& node = spec.settings;
  allow_fault_keys(node,
                   {"toxic", "proxy", "control", "latency", "jitter", "rate", "after", "delay"});
  const std::string toxic = node.at("toxic").as_string();
  if (toxic == "latency") {
    const Duration latency = duration_or(node, "latency", std::chrono::milliseconds(100));
    const Duration jitter = duration_or(node, "jitter", Duration::zero());
    command_ = fmt::format("toxic latency {} {}", to_millis(latency), to_millis(jitter));
    shown_ = fmt::format("latency {} ±{}", format_duration(latency), format_duration(jitter));
  } else if (toxic == "bandwidth") {
    const int64_t rate = node.at("rate").as_integer(1, int64_t{1} << 40);
    command_ = fmt::format("toxic bandwidth {}", rate);
    shown_ = fmt::format("bandwidth {} bytes/s", rate);
  } else if (toxic == "reset_peer") {
    const Duration after = duration_or(node, "after", Duration::zero());
    command_ = fmt::format("toxic reset_peer {}", to_millis(after));
    shown_ = fmt::format("reset_peer after {}", format_duration(after));
  } else if (toxic == "blackhole") {
    command_ = "toxic blackhole";
    shown_ = "blackhole";
  } else if (toxic == "slow_close") {
    const Duration delay = duration_or(node, "delay", std::chrono::seconds(1));
    command_ = fmt::format("toxic slow_close {}", to_millis(delay));
    shown_ = fmt::format("slow_close {}", format_duration(delay));
  } else {
    node.at("toxic").fail("expected latency, bandwidth, reset_peer, blackhole or slow_close");
  }

  if (auto control = node.find("control")) {
    if (node.find("proxy")) control->fail("give proxy (a testbed's) or control, not both");
    try {
      const auto where = testbed::parse_host_port(control->as_string());
      proxy_.emplace(where.host, where.port);
    } catch (const std::invalid_argument& e) {
      control->fail(e.what());
    }
    proxy_name_ = control->as_string();
    return;
  }
  proxy_name_ = node.find("proxy") ? node.at("proxy").as_string() : "endpoint-proxy";
  if (!testbed_dir)
    node.fail("a network toxic needs a testbed (proxy:) or a loadgate-proxy's control: host:port");
  const auto state = testbed::read_state(*testbed_dir);
  if (!state) node.fail(fmt::format("no testbed in {}", testbed_dir->string()));
  try {
    proxy_.emplace(ProxyClient::of_testbed(*state, proxy_name_));
  } catch (const FaultError& e) {
    (node.find("proxy") ? node.at("proxy") : node).fail(e.what());
  }
}

std::vector<std::string> NetworkToxic::hosts() const {
  return proxy_ ? std::vector<std::string>{proxy_->host()} : std::vector<std::string>{};
}

std::string NetworkToxic::describe() const {
  return fmt::format("network {} at {}", shown_, proxy_name_);
}

std::vector<std::string> NetworkToxic::plan() const {
  return {fmt::format("inject:  '{}' to {} (control {})", command_, proxy_name_, proxy_->where()),
          fmt::format("recover: 'clear' to {}", proxy_name_)};
}

void NetworkToxic::inject() {
  proxy_->send("clear");
  proxy_->send(command_);
}

void NetworkToxic::recover() {
  proxy_->send("clear");
}

}  // namespace loadgate
