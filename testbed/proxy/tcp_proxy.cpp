#include "testbed/proxy/tcp_proxy.h"

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace loadgate::testbed {

HostPort parse_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  HostPort result;
  if (colon != std::string::npos) {
    result.host = text.substr(0, colon);
    const char* begin = text.data() + colon + 1;
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(begin, end, result.port);
    if (ec == std::errc{} && stop == end && result.port != 0 && !result.host.empty()) return result;
  }
  throw std::invalid_argument(fmt::format("expected host:port, got \"{}\"", text));
}

std::vector<HostPort> parse_host_ports(const std::string& text) {
  std::vector<HostPort> result;
  size_t begin = 0;
  for (;;) {
    const size_t comma = text.find(',', begin);
    result.push_back(parse_host_port(text.substr(begin, comma - begin)));
    if (comma == std::string::npos) return result;
    begin = comma + 1;
  }
}

namespace {
std::vector<tcp::endpoint> endpoints_of(const std::vector<HostPort>& upstreams) {
  if (upstreams.empty()) throw std::invalid_argument("give at least one upstream");
  std::vector<tcp::endpoint> endpoints;
  for (const auto& u : upstreams) endpoints.emplace_back(asio::ip::make_address(u.host), u.port);
  return endpoints;
}
}  // namespace

const char* mode_name(ProxyMode mode) {
  switch (mode) {
    case ProxyMode::forward:
      return "forward";
    case ProxyMode::refuse:
      return "refuse";
    case ProxyMode::blackhole:
      return "blackhole";
    case ProxyMode::hold:
      return "hold";
  }
  return "?";
}

std::optional<ProxyMode> parse_mode(const std::string& name) {
  for (ProxyMode mode :
       {ProxyMode::forward, ProxyMode::refuse, ProxyMode::blackhole, ProxyMode::hold})
    if (name == mode_name(mode)) return mode;
  return std::nullopt;
}

std::string Toxics::describe() const {
  std::vector<std::string> parts;
  if (latency > Duration::zero())
    parts.push_back(
        fmt::format("latency={}±{}", format_duration(latency), format_duration(jitter)));
  if (bandwidth) parts.push_back(fmt::format("bandwidth={}B/s", bandwidth));
  if (slow_close > Duration::zero())
    parts.push_back(fmt::format("slow_close={}", format_duration(slow_close)));
  if (reset_peer) parts.push_back(fmt::format("reset_peer={}", format_duration(*reset_peer)));
  if (blackhole) parts.push_back("blackhole");
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ","));
}

// One client connection and, once connected, its upstream twin.
struct TcpProxy::Link {
  std::shared_ptr<tcp::socket> client, server;
  Clock::time_point opened = Clock::now();
  bool held = false;
  int pumps = 0;  // directions still running; the link is forgotten when none is
};

TcpProxy::TcpProxy(asio::io_context& io, const HostPort& listen,
                   const std::vector<HostPort>& upstreams)
    : acceptor_(io, tcp::endpoint(asio::ip::make_address(listen.host), listen.port)),
      upstreams_(endpoints_of(upstreams)),
      rules_changed_(io, Clock::time_point::max()),
      connection_held_(io, Clock::time_point::max()),
      sweep_timer_(io) {}

awaitable<void> TcpProxy::serve() {
  asio::co_spawn(acceptor_.get_executor(), reset_peer_sweep(), asio::detached);
  asio::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    boost::system::error_code ec;
    tcp::socket client = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      // Out of file descriptors and the like: keep forwarding what is open, retry soon.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    asio::co_spawn(acceptor_.get_executor(), handle(std::move(client)), asio::detached);
  }
}

void TcpProxy::set_upstreams(const std::vector<HostPort>& upstreams) {
  upstreams_ = endpoints_of(upstreams);
  next_upstream_ = 0;
}

void TcpProxy::set_mode(ProxyMode mode) {
  mode_ = mode;
  rules_changed_.cancel();
}

void TcpProxy::set_toxics(const Toxics& toxics) {
  toxics_ = toxics;
  toxics_set_at_ = Clock::now();
  rules_changed_.cancel();
}

namespace {
// An RST rather than a FIN: what a client sees when the host behind a name is gone.
void reset_socket(tcp::socket& socket) {
  boost::system::error_code ec;
  if (!socket.is_open()) return;
  socket.set_option(asio::socket_base::linger(true, 0), ec);
  socket.close(ec);
}
}  // namespace

void TcpProxy::reset(Link& link) {
  reset_socket(*link.client);
  if (link.server) reset_socket(*link.server);
}

size_t TcpProxy::reset_all() {
  const size_t n = links_.size();
  for (const auto& link : links_) reset(*link);
  rules_changed_.cancel();  // held and stalled links see their sockets closed and go
  return n;
}

bool TcpProxy::hold_if_idle(Duration idle) {
  if (!links_.empty() || Clock::now() - idle_since_ < idle) return false;
  set_mode(ProxyMode::hold);
  return true;
}

size_t TcpProxy::held_count() const {
  size_t n = 0;
  for (const auto& link : links_) n += link->held;
  return n;
}

awaitable<size_t> TcpProxy::wait_held(Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  asio::steady_timer timeout_timer(acceptor_.get_executor(), deadline);
  while (held_count() == 0 && Clock::now() < deadline) {
    // Wake at the deadline or when a connection is held, whichever is first.
    timeout_timer.async_wait([this](auto ec) {
      if (!ec) connection_held_.cancel();
    });
    boost::system::error_code ec;
    co_await connection_held_.async_wait(asio::redirect_error(use_awaitable, ec));
    timeout_timer.cancel();
  }
  co_return held_count();
}

std::string TcpProxy::status() const {
  const auto idle = links_.empty() ? Clock::now() - idle_since_ : Duration::zero();
  std::vector<std::string> upstreams;
  for (const auto& u : upstreams_)
    upstreams.push_back(fmt::format("{}:{}", u.address().to_string(), u.port()));
  return fmt::format("mode={} upstream={} open={} held={} idle_ms={} toxics={}", mode_name(mode_),
                     fmt::join(upstreams, ","), links_.size(), held_count(), to_millis(idle),
                     toxics_.describe());
}

void TcpProxy::forget(const std::shared_ptr<Link>& link) {
  links_.erase(link);
  if (links_.empty()) idle_since_ = Clock::now();
}

namespace {
awaitable<void> discard_until_closed(tcp::socket& socket) {
  std::array<char, 4096> sink;
  boost::system::error_code ec;
  while (!ec)
    co_await socket.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
}
}  // namespace

awaitable<void> TcpProxy::handle(tcp::socket socket) {
  auto link = std::make_shared<Link>();
  link->client = std::make_shared<tcp::socket>(std::move(socket));
  links_.insert(link);
  boost::system::error_code ec;
  while ((mode_ == ProxyMode::hold || toxics_.blackhole) && link->client->is_open()) {
    link->held = true;
    connection_held_.cancel();
    co_await rules_changed_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  link->held = false;
  // Accepted, read, never answered: the client waits on its own timeouts.
  if (mode_ == ProxyMode::blackhole) co_await discard_until_closed(*link->client);
  if (mode_ == ProxyMode::forward && link->client->is_open()) {
    link->server = std::make_shared<tcp::socket>(acceptor_.get_executor());
    const tcp::endpoint upstream = upstreams_[next_upstream_++ % upstreams_.size()];
    co_await link->server->async_connect(upstream, asio::redirect_error(use_awaitable, ec));
  }
  if (!link->server || ec || !link->client->is_open()) {
    reset(*link);  // refused, or the client sees what it would see with the database down
    forget(link);
    co_return;
  }
  link->server->set_option(tcp::no_delay(true), ec);
  link->client->set_option(tcp::no_delay(true), ec);
  link->pumps = 2;
  asio::co_spawn(acceptor_.get_executor(), pump(link, true), asio::detached);
  asio::co_spawn(acceptor_.get_executor(), pump(link, false), asio::detached);
}

// Copies one direction until either side ends, then closes both so the other direction ends too
// (a half-dead connection would hide a failover from the client). Toxics are read per chunk, so
// setting or clearing one acts on open connections at once.
awaitable<void> TcpProxy::pump(std::shared_ptr<Link> link, bool from_client) {
  tcp::socket& from = from_client ? *link->client : *link->server;
  tcp::socket& to = from_client ? *link->server : *link->client;
  asio::steady_timer delay(acceptor_.get_executor());
  std::array<char, 16384> buffer;
  boost::system::error_code ec;
  for (;;) {
    size_t n = co_await from.async_read_some(asio::buffer(buffer),
                                             asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    while (toxics_.blackhole && to.is_open())
      co_await rules_changed_.async_wait(asio::redirect_error(use_awaitable, ec));
    Duration wait{};
    if (!from_client && toxics_.latency > Duration::zero()) {
      std::uniform_int_distribution<int64_t> jitter(-toxics_.jitter.count(),
                                                    toxics_.jitter.count());
      wait = std::max(Duration::zero(), toxics_.latency + Duration(jitter(rng_)));
    }
    if (toxics_.bandwidth)
      wait += std::chrono::nanoseconds(n * 1'000'000'000ull / toxics_.bandwidth);
    if (wait > Duration::zero()) {
      delay.expires_after(wait);
      co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_await asio::async_write(to, asio::buffer(buffer.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  if (toxics_.slow_close > Duration::zero() && to.is_open()) {
    delay.expires_after(toxics_.slow_close);
    co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  from.close(ec);
  to.close(ec);
  if (--link->pumps == 0) forget(link);
}

awaitable<void> TcpProxy::reset_peer_sweep() {
  boost::system::error_code ec;
  for (;;) {
    sweep_timer_.expires_after(std::chrono::milliseconds(20));
    co_await sweep_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!toxics_.reset_peer) continue;
    const auto now = Clock::now();
    for (const auto& link : links_)
      if (link->server && now >= std::max(link->opened, toxics_set_at_) + *toxics_.reset_peer)
        reset(*link);
  }
}

}  // namespace loadgate::testbed
