// Error classification of the HTTP client, against loopback peers that misbehave on purpose
// (no real server can be told to send garbage or to hang): each kind of failure must land in
// its own class, and the connection must work again afterwards.
#include <catch2/catch.hpp>

#include "harness/http_codec.h"
#include "harness/http_connection.h"
#include "harness/process.h"
#include "tests/support/loopback_peer.h"
#include "tests/support/test_harness.h"

using namespace loadgate;
using namespace std::chrono_literals;
using loadgate::test::LoopbackPeer;
using loadgate::test::PeerBehaviour;

namespace {

Exchange exchange_with(const Endpoint& endpoint, Duration request_timeout = 2s,
                       HttpLimits limits = {}) {
  // Named, not a braced temporary in the co_await: GCC 12 destroys such temporaries twice.
  const HttpRequest request{"GET", "/", {}, ""};
  return exchange_once(endpoint, request, {1s, request_timeout}, nullptr, limits);
}

}  // namespace

TEST_CASE("a closed port is connect_refused") {
  const Endpoint nowhere{"http", "127.0.0.1", find_free_port()};
  CHECK(exchange_with(nowhere).error == TransportError::connect_refused);
}

TEST_CASE("bytes that are not HTTP are a bad_response") {
  LoopbackPeer peer(PeerBehaviour::garbage);
  CHECK(exchange_with(peer.endpoint()).error == TransportError::bad_response);
}

TEST_CASE("a peer that closes without answering is a reset") {
  LoopbackPeer peer(PeerBehaviour::close_at_once);
  CHECK(exchange_with(peer.endpoint()).error == TransportError::reset);
}

TEST_CASE("a peer that never answers is a timeout, at the request timeout") {
  LoopbackPeer peer(PeerBehaviour::silent);
  const auto start = Clock::now();
  Exchange result = exchange_with(peer.endpoint(), 200ms);
  CHECK(result.error == TransportError::timeout);
  CHECK(Clock::now() - start >= 200ms);
}

TEST_CASE("an HTTP error status is a response, with its body, for the workload to judge") {
  LoopbackPeer peer(PeerBehaviour::busy_then_close);
  Exchange result = exchange_with(peer.endpoint());
  CHECK(result.error == TransportError::none);
  CHECK(result.response.status == 503);
  CHECK(result.response.body == "busy");
}

// A hostile or broken target must not be able to grow the generator's memory: each answer is cut
// off at its limit (the peer would go on for 16 GiB) and the connection holds no more than that.
TEST_CASE("endless headers are cut off at the header limit as headers_too_large") {
  LoopbackPeer peer(PeerBehaviour::endless_headers);
  Exchange result = exchange_with(peer.endpoint(), 10s, {.header_bytes = 16 << 10});
  CHECK(result.error == TransportError::headers_too_large);
  CHECK(result.response.body.empty());
}

TEST_CASE("an endless body is cut off at the body limit as body_too_large, holding no more") {
  LoopbackPeer peer(PeerBehaviour::endless_body);
  Exchange result = exchange_with(peer.endpoint(), 10s, {.body_bytes = 256 << 10});
  CHECK(result.error == TransportError::body_too_large);
  CHECK(result.response.body.size() <= (256u << 10));
  CHECK(result.response.body.capacity() <= (512u << 10));
}

TEST_CASE("a 10 GB Content-Length is body_too_large before any of the body is kept") {
  LoopbackPeer peer(PeerBehaviour::huge_length);
  Exchange result = exchange_with(peer.endpoint(), 10s);
  CHECK(result.error == TransportError::body_too_large);
  CHECK(result.response.body.capacity() < (1u << 20));
  CHECK(result.response.body.empty());
}

TEST_CASE("a response trickled a byte at a time ends at the request timeout") {
  LoopbackPeer peer(PeerBehaviour::slowloris);
  Exchange result = exchange_with(peer.endpoint(), 300ms);
  CHECK(result.error == TransportError::timeout);
  CHECK(peer.bytes_streamed() >= 1);
}

TEST_CASE("error classes have stable names for results") {
  CHECK(error_class_name(TransportError::body_too_large) == "body_too_large");
  CHECK(error_class_name(TransportError::headers_too_large) == "headers_too_large");
  CHECK(error_class_name(TransportError::connect_refused) == "connect_refused");
  CHECK(error_class_name(TransportError::tls) == "tls");
  CHECK(error_class_name(TransportError::timeout) == "timeout");
}

TEST_CASE("a method that is not an HTTP token is refused before anything is sent") {
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor());
  HttpConnection connection(io.get_executor(), {"http", "127.0.0.1", find_free_port()}, {1s, 1s},
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

TEST_CASE("a request is written as HTTP/1.1 with Host, its headers and a length for a body") {
  std::string wire = "left over from the last request";
  encode_request({"POST", "/api/v1/items", {{"Content-Type", "application/json"}}, "{\"a\":1}"},
                 "127.0.0.1:8080", wire);
  CHECK(wire ==
        "POST /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: loadgate\r\n"
        "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  encode_request({"GET", "/validate", {}, ""}, "localhost", wire);
  CHECK(wire == "GET /validate HTTP/1.1\r\nHost: localhost\r\nUser-Agent: loadgate\r\n\r\n");
}
