#include "tests/support/loopback_peer.h"

#include <chrono>
#include <string>
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
      case PeerBehaviour::endless_headers:
      case PeerBehaviour::endless_body:
      case PeerBehaviour::huge_length:
      case PeerBehaviour::slowloris:
        co_await stream_hostile(*socket);
        socket->close(ec);
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

awaitable<void> LoopbackPeer::stream_hostile(tcp::socket& socket) {
  std::string_view head;
  std::string piece;
  std::chrono::milliseconds pause{0};
  switch (behaviour_) {
    case PeerBehaviour::endless_headers:
      head = "HTTP/1.1 200 OK\r\n";
      piece = "X-Filler: " + std::string(4086, 'h') + "\r\n";
      break;
    case PeerBehaviour::endless_body:
      head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      piece = "10000\r\n" + std::string(0x10000, 'b') + "\r\n";
      break;
    case PeerBehaviour::huge_length:
      head = "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n";
      piece = std::string(0x10000, 'b');
      break;
    default:  // slowloris
      head = "HTTP/1.1 200 OK\r\n";
      piece = "X";
      pause = std::chrono::milliseconds(100);
      break;
  }
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(head), asio::redirect_error(use_awaitable, ec));
  constexpr uint64_t kBound = uint64_t{16} << 30;
  while (!ec && streamed_ < kBound) {
    if (pause.count() != 0) {
      asio::steady_timer timer(io_, pause);
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_await asio::async_write(socket, asio::buffer(piece),
                               asio::redirect_error(use_awaitable, ec));
    if (!ec) streamed_ += piece.size();
  }
}

}  // namespace loadgate::test
