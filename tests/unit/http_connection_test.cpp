// Error classification of the HTTP client, against loopback peers that misbehave on purpose
// (no real server can be told to send garbage or to hang): each kind of failure must land in
// its own class, and the connection must work again afterwards.
#include <catch2/catch.hpp>

#include <thread>

#include "harness/http_connection.h"
#include "harness/process.h"

using namespace loadgate;
using namespace std::chrono_literals;

namespace {

enum class Peer { garbage, close_at_once, silent, ok_then_close };

// A one-thread loopback server that answers every connection the way `peer` says.
class MisbehavingPeer {
 public:
  explicit MisbehavingPeer(Peer peer) : peer_(peer) {
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::jthread([this] { io_.run(); });
  }
  ~MisbehavingPeer() { io_.stop(); }
  Endpoint endpoint() const { return {"http", "127.0.0.1", acceptor_.local_endpoint().port()}; }

 private:
  awaitable<void> serve() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(co_await acceptor_.async_accept(use_awaitable));
      asio::co_spawn(io_, answer(socket), asio::detached);
    }
  }
  awaitable<void> answer(std::shared_ptr<tcp::socket> socket) {
    char request[4096];
    boost::system::error_code ec;
    co_await socket->async_read_some(asio::buffer(request),
                                     asio::redirect_error(use_awaitable, ec));
    std::string reply;
    switch (peer_) {
      case Peer::garbage:
        reply = "SMTP ready, not HTTP\r\n\r\n";
        break;
      case Peer::close_at_once:
        socket->close(ec);
        co_return;
      case Peer::silent:
        held_.push_back(socket);
        co_return;  // never answers
      case Peer::ok_then_close:
        reply =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: "
            "close\r\n\r\nbusy";
        break;
    }
    co_await asio::async_write(*socket, asio::buffer(reply),
                               asio::redirect_error(use_awaitable, ec));
    socket->close(ec);
  }

  Peer peer_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<std::shared_ptr<tcp::socket>> held_;
  std::jthread thread_;
};

Exchange exchange_with(const Endpoint& endpoint, Duration request_timeout = 2s) {
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor(), 5ms);
  HttpConnection connection(io.get_executor(), endpoint, 1s, request_timeout, sweeper);
  Exchange result;
  // Named, not a braced temporary in the co_await: GCC 12 destroys such temporaries twice.
  const HttpRequest request{"GET", "/", {}, ""};
  sweeper.start();
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        result = co_await connection.exchange(request);
        sweeper.stop();
      },
      asio::detached);
  io.run();
  return result;
}

}  // namespace

TEST_CASE("a closed port is connect_refused") {
  const Endpoint nowhere{"http", "127.0.0.1", find_free_port()};
  CHECK(exchange_with(nowhere).error == TransportError::connect_refused);
}

TEST_CASE("bytes that are not HTTP are a bad_response") {
  MisbehavingPeer peer(Peer::garbage);
  CHECK(exchange_with(peer.endpoint()).error == TransportError::bad_response);
}

TEST_CASE("a peer that closes without answering is a reset") {
  MisbehavingPeer peer(Peer::close_at_once);
  CHECK(exchange_with(peer.endpoint()).error == TransportError::reset);
}

TEST_CASE("a peer that never answers is a timeout, at the request timeout") {
  MisbehavingPeer peer(Peer::silent);
  const auto start = Clock::now();
  Exchange result = exchange_with(peer.endpoint(), 200ms);
  CHECK(result.error == TransportError::timeout);
  CHECK(Clock::now() - start >= 200ms);
}

TEST_CASE("an HTTP error status is a response, with its body, for the workload to judge") {
  MisbehavingPeer peer(Peer::ok_then_close);
  Exchange result = exchange_with(peer.endpoint());
  CHECK(result.error == TransportError::none);
  CHECK(result.response.status == 503);
  CHECK(result.response.body == "busy");
}

TEST_CASE("error classes have stable names for results") {
  CHECK(error_class_name(TransportError::connect_refused) == "connect_refused");
  CHECK(error_class_name(TransportError::tls) == "tls");
  CHECK(error_class_name(TransportError::timeout) == "timeout");
}

TEST_CASE("a method that is not an HTTP token is refused before anything is sent") {
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor());
  HttpConnection connection(io.get_executor(), {"http", "127.0.0.1", find_free_port()}, 1s, 1s,
                            sweeper);
  bool threw = false;
  const HttpRequest smuggling{"GET /evil HTTP/1.1\r\nX:", "/", {}, ""};
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        try {
          co_await connection.exchange(smuggling);
        } catch (const std::invalid_argument&) {
          threw = true;
        }
      },
      asio::detached);
  io.run();
  CHECK(threw);
}
