#include "testbed/proxy/tcp_proxy.h"

#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>

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

TcpProxy::TcpProxy(asio::io_context& io, const HostPort& listen, const HostPort& upstream)
    : acceptor_(io, tcp::endpoint(asio::ip::make_address(listen.host), listen.port)),
      upstream_(asio::ip::make_address(upstream.host), upstream.port) {}

awaitable<void> TcpProxy::serve() {
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
    asio::co_spawn(acceptor_.get_executor(), forward(std::move(client)), asio::detached);
  }
}

namespace {

// Copies one direction until either side ends, then closes both so the other direction ends too
// (a half-dead connection would hide a failover from the client).
awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  std::array<char, 16384> buffer;
  boost::system::error_code ec;
  for (;;) {
    size_t n = co_await from->async_read_some(asio::buffer(buffer),
                                              asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(*to, asio::buffer(buffer.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  from->close(ec);
  to->close(ec);
}

}  // namespace

awaitable<void> TcpProxy::forward(tcp::socket client) {
  auto downstream = std::make_shared<tcp::socket>(std::move(client));
  auto upstream = std::make_shared<tcp::socket>(downstream->get_executor());
  boost::system::error_code ec;
  co_await upstream->async_connect(upstream_, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    downstream->close(ec);  // the client sees what it would see with the database down
    co_return;
  }
  upstream->set_option(tcp::no_delay(true), ec);
  downstream->set_option(tcp::no_delay(true), ec);
  auto executor = downstream->get_executor();
  asio::co_spawn(executor, pump(downstream, upstream), asio::detached);
  asio::co_spawn(executor, pump(upstream, downstream), asio::detached);
}

}  // namespace loadgate::testbed
