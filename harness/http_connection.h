// One keep-alive HTTP/1.1 connection to one endpoint, owned by one generator thread.
//
// Beast stays behind this header: only http_connection.cpp parses it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/asio.h"
#include "harness/clock.h"
#include "harness/http_types.h"
#include "harness/tls_context.h"
#include "harness/units.h"

namespace loadgate {

// Why an exchange produced no HTTP response. The names are the error classes in results.
enum class TransportError {
  none,
  connect_refused,  // nothing listens at the address
  connect_timeout,
  connect_failed,  // any other connect error (unreachable, no route, ...)
  reset,           // the peer reset or closed the connection mid-exchange
  timeout,         // no complete response within the request timeout
  tls,             // the TLS handshake failed (untrusted certificate, wrong host name, ...)
  bad_response,    // bytes arrived that are not HTTP/1.1
  too_many_files,  // the generator ran out of file descriptors (raise `ulimit -n`)
  cancelled,       // the run ended while the request was still in flight
};
std::string_view error_class_name(TransportError error);

struct Exchange {
  TransportError error = TransportError::none;
  HttpResponse response;
  Clock::time_point sent_at;  // when the request went on the wire (after any connect)
};

class HttpConnection {
 public:
  // `tls` is needed for https endpoints and ignored otherwise; it must outlive the connection.
  HttpConnection(asio::any_io_executor executor, Endpoint endpoint, Duration connect_timeout,
                 Duration request_timeout, TlsContext* tls = nullptr);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects first when needed. After an error the connection is closed; the next exchange
  // reconnects.
  awaitable<Exchange> exchange(const HttpRequest& request);
  // Aborts whatever is in flight; the pending exchange completes with `cancelled`.
  void cancel();

 private:
  friend std::optional<std::string> check_reachable(const Endpoint&, Duration, TlsContext*);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens and closes one connection (with the TLS handshake for https) to check that the endpoint
// is reachable before a run. Returns a one-line reason naming the address when it is not.
std::optional<std::string> check_reachable(const Endpoint& endpoint, Duration timeout,
                                           TlsContext* tls = nullptr);

}  // namespace loadgate
