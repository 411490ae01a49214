#include "tests/support/loopback_peer.h"

#include <string_view>

namespace loadgate::test {

LoopbackPeer::LoopbackPeer(PeerBehaviour behaviour)
    : behaviour_(behaviour), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  asio::co_spawn(io_, serve(), asio::detached);
  thread_ = std::jthread([this] { io_.run(); });
}

LoopbackPeer::~LoopbackPeer() {
  io_.stop();
}

Endpoint LoopbackPeer::endpoint() const {
  return {"http", "127.0.0.1", acceptor_.local_endpoint().port()};
}

awaitable<void> LoopbackPeer::serve() {
  for (;;) {
    auto socket = std::make_shared<tcp::socket>(co_await acceptor_.async_accept(use_awaitable));
    asio::co_spawn(io_, answer(socket), asio::detached);
  }
}

awaitable<void> LoopbackPeer::answer(std::shared_ptr<tcp::socket> socket) {
  struct Counted {
    std::atomic<size_t>& open;
    explicit Counted(std::atomic<size_t>& open_) : open(open_) { ++open; }
    ~Counted() { --open; }
  } counted(open_);
  boost::system::error_code ec;
  std::string request;
  for (;;) {
    // Requests here are small GETs: read until the blank line that ends the header.
    char chunk[4096];
    size_t n = co_await socket->async_read_some(asio::buffer(chunk),
                                                asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    request.append(chunk, n);
    if (request.find("\r\n\r\n") == std::string::npos) continue;
    request.clear();
    std::string_view reply;
    switch (behaviour_) {
      case PeerBehaviour::ok:
        reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        break;
      case PeerBehaviour::slow_ok: {
        asio::steady_timer delay(io_, std::chrono::milliseconds(50));
        co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
        reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        break;
      }
      case PeerBehaviour::garbage:
        reply = "SMTP ready, not HTTP\r\n\r\n";
        break;
      case PeerBehaviour::close_at_once:
        socket->close(ec);
        co_return;
      case PeerBehaviour::silent:
        held_.push_back(socket);
        co_return;
      case PeerBehaviour::busy_then_close:
        reply =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: "
            "close\r\n\r\nbusy";
        break;
    }
    co_await asio::async_write(*socket, asio::buffer(reply),
                               asio::redirect_error(use_awaitable, ec));
    if (!ec) ++replies_;
    if (ec || (behaviour_ != PeerBehaviour::ok && behaviour_ != PeerBehaviour::slow_ok)) {
      socket->close(ec);
      co_return;
    }
  }
}

}  // namespace loadgate::test
