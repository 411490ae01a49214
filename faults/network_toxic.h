// kind: network: a toxic in a loadgate-proxy, for `recover_after` (Toxiproxy's vocabulary).
//
//   faults:
//     - {kind: network, at: 10s, recover_after: 10s, toxic: latency, latency: 100ms, jitter: 20ms}
//
// toxic:   latency    {latency, jitter}: added to every chunk from upstream to client
//          bandwidth  {rate: bytes per second, each way, per connection}
//          reset_peer {after: 0s}: connections are reset this long after they open
//          blackhole  a partition: nothing flows either way and new connections get no answer
//                     until it heals; then what waited flows on
//          slow_close {delay}: a close reaches the other side this much later
// proxy:   the testbed proxy to poison (default endpoint-proxy: between pgbouncer and Postgres),
// control: or host:port of the control channel of a loadgate-proxy started by hand.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "faults/fault.h"
#include "faults/proxy_client.h"
#include "harness/scenario.h"

namespace loadgate {

class NetworkToxic : public Fault {
 public:
  // Throws ConfigError naming the line for a bad key, value or proxy.
  NetworkToxic(const FaultSpec& spec, const std::optional<std::filesystem::path>& testbed_dir);

  std::string describe() const override;
  std::string driver() const override { return "proxy"; }
  std::vector<std::string> hosts() const override;
  std::vector<std::string> plan() const override;
  void inject() override;
  void recover() override;

 private:
  std::string proxy_name_;
  std::optional<ProxyClient> proxy_;
  std::string command_;  // "toxic latency 100 20"
  std::string shown_;    // "latency 100ms ±20ms"
};

}  // namespace loadgate
