// One keep-alive HTTP/1.1 connection to one endpoint, owned by one generator thread.
//
// The hot path is kept lean on purpose (the generator must not be the bottleneck): the request
// is written from one reused buffer, the response is parsed without building a header map, and
// timeouts are deadlines checked by a per-thread TimeoutSweeper instead of a timer per request.
// Beast and OpenSSL stay behind this header: only http_connection.cpp parses them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/asio.h"
#include "harness/clock.h"
#include "harness/http_types.h"
#include "harness/tls_context.h"
#include "harness/units.h"

namespace loadgate {

// Why an exchange produced no HTTP response. The names are the error classes in results.
enum class TransportError {
  none,
  connect_refused,    // nothing listens at the address
  connect_timeout,    // no connection (and TLS handshake) within the connect timeout
  connect_failed,     // any other connect error (unreachable, no route, unresolvable name)
  reset,              // the peer reset or closed the connection mid-exchange
  timeout,            // no complete response within the request timeout
  tls,                // the TLS handshake failed (untrusted certificate, wrong host name, ...)
  bad_response,       // bytes arrived that are not HTTP/1.1
  headers_too_large,  // the status line and headers passed HttpLimits::header_bytes
  body_too_large,  // the body passed HttpLimits::body_bytes (or its Content-Length said it would)
  too_many_files,  // the generator ran out of file descriptors (raise `ulimit -n`)
  cancelled,       // the run ended while the request was still in flight
};
std::string_view error_class_name(TransportError error);

struct Exchange {
  TransportError error = TransportError::none;
  HttpResponse response;
  Clock::time_point sent_at;  // when the request went on the wire (after any connect)
};

class HttpConnection;

// Enforces the deadlines of a thread's connections: every `granularity` it expires those whose
// exchange has run past its timeout. Runs on the connections' io_context until stop().
class TimeoutSweeper {
 public:
  explicit TimeoutSweeper(asio::any_io_executor executor,
                          Duration granularity = std::chrono::milliseconds(20));
  void start();
  void stop();
  // Cancels every live connection registered here (the end of a run's drain).
  void cancel_all();

 private:
  friend class HttpConnection;
  awaitable<void> sweep();
  std::vector<HttpConnection*> connections_;
  asio::steady_timer timer_;
  Duration granularity_;
  bool running_ = false;
};

struct HttpTimeouts {
  Duration connect;  // the TCP connect and TLS handshake
  Duration request;  // from the send to the whole response
  // Idle longer, a connection reconnects before it is used. A run takes client.idle_timeout
  // (ClientSpec says why); the default serves probes and tests.
  Duration idle = std::chrono::seconds(30);
};

// How much of a response is read before the exchange fails, so that a target answering with
// endless headers, an endless body or a 10 GB Content-Length is cut off and a connection never
// holds more than this (a slow trickle of either ends at the request timeout).
struct HttpLimits {
  size_t header_bytes = 64 << 10;  // Beast's 8 KiB default is below what real proxies send
  size_t body_bytes = 1 << 20;     // client.max_response_body
};

class HttpConnection {
 public:
  // `tls` is needed for https endpoints; it and `sweeper` must outlive the connection.
  HttpConnection(asio::any_io_executor executor, Endpoint endpoint, HttpTimeouts timeouts,
                 TimeoutSweeper& sweeper, TlsContext* tls = nullptr, HttpLimits limits = {});
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects first when needed. After an error the connection is closed; the next exchange
  // reconnects. Throws std::invalid_argument for a request that cannot be written (a method
  // that is not an HTTP token).
  awaitable<Exchange> exchange(const HttpRequest& request);
  // Connects (and handshakes) without sending anything.
  awaitable<TransportError> connect();
  // Aborts whatever is in flight; the pending exchange completes with `cancelled`.
  void cancel();
  // When the last exchange ended (the clock's epoch before the first).
  Clock::time_point last_used() const;
  // Idle past its idle timeout at `now`: it would reconnect before its next exchange.
  bool idle_expired(Clock::time_point now) const;

 private:
  friend class TimeoutSweeper;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens and closes one connection (with the TLS handshake for https) to check that the endpoint
// is reachable before a run. Returns a one-line reason naming the address when it is not.
std::optional<std::string> check_reachable(const Endpoint& endpoint, Duration timeout,
                                           TlsContext* tls = nullptr);

// One request on a connection of its own and io_context, timeouts enforced as in a run (a
// steady-state probe's GET /healthz, a test's request). Blocks the calling thread.
Exchange exchange_once(const Endpoint& endpoint, const HttpRequest& request, HttpTimeouts timeouts,
                       TlsContext* tls = nullptr, HttpLimits limits = {});

}  // namespace loadgate
