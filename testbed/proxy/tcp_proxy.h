// A TCP forwarder on loopback with a control channel: the testbed's "endpoint" that stands for
// the RDS DNS name in front of the Postgres primary, and its "edge" that stands for the load
// balancer in front of the service instances (new connections go to its upstreams in turn).
// What the fault drivers change at run time:
//  - the upstreams (a failover's DNS switch),
//  - what happens to new connections (mode): forward, refuse (accept, then reset: the name
//    points at a dead host), blackhole (accept, never answer: a hung one), hold (keep them
//    waiting until the mode changes: an Aurora cluster waking from zero),
//  - toxics on every connection, open or new (see Toxics),
//  - reset: every open connection is reset at once (the instance went away).
// One io_context thread runs everything, so nothing here locks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness/asio.h"
#include "harness/clock.h"
#include "harness/units.h"

namespace loadgate::testbed {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "127.0.0.1:5432" → {host, port}; throws std::invalid_argument naming the text otherwise.
HostPort parse_host_port(const std::string& text);
// "127.0.0.1:8001,127.0.0.1:8002" → each of them (one at least).
std::vector<HostPort> parse_host_ports(const std::string& text);

enum class ProxyMode { forward, refuse, blackhole, hold };
const char* mode_name(ProxyMode mode);
std::optional<ProxyMode> parse_mode(const std::string& name);

// Toxiproxy's vocabulary, applied to every connection through the proxy while set.
struct Toxics {
  Duration latency{};  // added to each chunk from upstream to client (a round trip gains it once)
  Duration jitter{};   // ± uniform around latency
  uint64_t bandwidth = 0;              // bytes/s each way per connection; 0: unlimited
  Duration slow_close{};               // a close is passed on this much later
  std::optional<Duration> reset_peer;  // connections are reset this long after they open (or
                                       // after the toxic is set, for those already open)
  // A partition: data stops flowing either way and new connections get no answer; nothing is
  // dropped, so when it heals what waited flows on (as TCP retransmits would).
  bool blackhole = false;
  std::string describe() const;  // "latency=100ms±20ms bandwidth=65536B/s" or "none"
};

class TcpProxy {
 public:
  TcpProxy(asio::io_context& io, const HostPort& listen, const std::vector<HostPort>& upstreams);
  // Accepts until the io_context stops.
  awaitable<void> serve();

  void set_upstreams(const std::vector<HostPort>& upstreams);
  void set_mode(ProxyMode mode);
  // Sets (replaces) the toxics; reset_peer counts from now for connections already open.
  void set_toxics(const Toxics& toxics);
  const Toxics& toxics() const { return toxics_; }
  // Resets every open connection (held ones too); returns how many there were.
  size_t reset_all();
  // Switches to hold when no connection has been open for `idle`; false (and nothing changes)
  // otherwise. One step, so no connection can slip in between the check and the switch.
  bool hold_if_idle(Duration idle);
  // Waits up to `timeout` for a connection to be held; returns how many are.
  awaitable<size_t> wait_held(Duration timeout);
  // "mode=forward upstream=127.0.0.1:5432 open=3 held=0 idle_ms=0 toxics=none" (upstreams
  // joined by commas)
  std::string status() const;

 private:
  struct Link;
  awaitable<void> handle(tcp::socket client);
  awaitable<void> pump(std::shared_ptr<Link> link, bool from_client);
  awaitable<void> reset_peer_sweep();
  void reset(Link& link);
  void forget(const std::shared_ptr<Link>& link);
  size_t held_count() const;

  tcp::acceptor acceptor_;
  std::vector<tcp::endpoint> upstreams_;
  size_t next_upstream_ = 0;
  ProxyMode mode_ = ProxyMode::forward;
  Toxics toxics_;
  Clock::time_point toxics_set_at_ = Clock::now();
  std::set<std::shared_ptr<Link>> links_;
  Clock::time_point idle_since_ = Clock::now();
  // Waiters on these wake when cancelled: a mode or toxics change releases held connections and
  // stalled pumps; a newly held connection wakes wait_held().
  asio::steady_timer rules_changed_, connection_held_, sweep_timer_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace loadgate::testbed
