#include "harness/http_connection.h"

#include <fmt/format.h>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace loadgate {

namespace beast = boost::beast;
namespace http = beast::http;

std::string_view error_class_name(TransportError error) {
  switch (error) {
    case TransportError::none:
      return "none";
    case TransportError::connect_refused:
      return "connect_refused";
    case TransportError::connect_timeout:
      return "connect_timeout";
    case TransportError::connect_failed:
      return "connect_failed";
    case TransportError::reset:
      return "reset";
    case TransportError::timeout:
      return "timeout";
    case TransportError::bad_response:
      return "bad_response";
    case TransportError::cancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace {

TransportError classify_connect(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return TransportError::connect_timeout;
  if (ec == asio::error::connection_refused) return TransportError::connect_refused;
  if (ec == asio::error::operation_aborted) return TransportError::cancelled;
  return TransportError::connect_failed;
}

TransportError classify_exchange(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return TransportError::timeout;
  if (ec == asio::error::operation_aborted) return TransportError::cancelled;
  // Beast's parser errors share one category; end of stream and a cut-off message are the peer
  // going away, anything else is bytes that are not HTTP.
  static const auto& parser_category = make_error_code(http::error::bad_version).category();
  if (ec.category() == parser_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message)
    return TransportError::bad_response;
  return TransportError::reset;  // eof, reset, broken pipe, partial message
}

}  // namespace

struct HttpConnection::Impl {
  Impl(asio::any_io_executor executor, Endpoint endpoint_, Duration connect_timeout_,
       Duration request_timeout_)
      : stream(executor),
        endpoint(std::move(endpoint_)),
        connect_timeout(connect_timeout_),
        request_timeout(request_timeout_) {}

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  Endpoint endpoint;
  std::optional<tcp::endpoint> resolved;  // resolved once per connection, not per request
  Duration connect_timeout;
  Duration request_timeout;
  bool connected = false;
  bool cancelled = false;

  awaitable<TransportError> connect() {
    boost::system::error_code ec;
    if (!resolved) {
      tcp::resolver resolver(stream.get_executor());
      auto results = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                     asio::redirect_error(use_awaitable, ec));
      if (ec || results.empty()) co_return TransportError::connect_failed;
      resolved = results.begin()->endpoint();
    }
    stream.expires_after(connect_timeout);
    co_await stream.async_connect(*resolved, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return classify_connect(ec);
    stream.socket().set_option(tcp::no_delay(true));
    connected = true;
    buffer.clear();
    co_return TransportError::none;
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    connected = false;
  }
};

HttpConnection::HttpConnection(asio::any_io_executor executor, Endpoint endpoint,
                               Duration connect_timeout, Duration request_timeout)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(endpoint), connect_timeout,
                                   request_timeout)) {}

HttpConnection::~HttpConnection() = default;

void HttpConnection::cancel() {
  impl_->cancelled = true;
  impl_->close();
}

awaitable<Exchange> HttpConnection::exchange(const HttpRequest& request) {
  Impl& c = *impl_;
  Exchange result;
  if (!c.connected) {
    result.error = co_await c.connect();
    if (c.cancelled) result.error = TransportError::cancelled;
    if (result.error != TransportError::none) {
      c.close();
      co_return result;
    }
  }

  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, c.endpoint.port == 80
                                 ? c.endpoint.host
                                 : c.endpoint.host + ":" + std::to_string(c.endpoint.port));
  req.set(http::field::user_agent, "loadgate");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body() = request.body;
    req.prepare_payload();
  }

  boost::system::error_code ec;
  c.stream.expires_after(c.request_timeout);
  result.sent_at = Clock::now();
  co_await http::async_write(c.stream, req, asio::redirect_error(use_awaitable, ec));
  http::response<http::string_body> res;
  if (!ec)
    co_await http::async_read(c.stream, c.buffer, res, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    result.error = c.cancelled ? TransportError::cancelled : classify_exchange(ec);
    c.close();
    co_return result;
  }
  c.stream.expires_never();
  result.response.status = static_cast<int>(res.result_int());
  result.response.body = std::move(res.body());
  if (!res.keep_alive()) c.close();
  co_return result;
}

std::optional<std::string> check_reachable(const Endpoint& endpoint, Duration timeout) {
  asio::io_context io;
  HttpConnection probe(io.get_executor(), endpoint, timeout, timeout);
  std::optional<std::string> problem;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        TransportError error = co_await probe.impl_->connect();
        if (error != TransportError::none)
          problem = fmt::format("cannot reach {}:{} ({}): {}", endpoint.host, endpoint.port,
                                endpoint.to_string(), error_class_name(error));
        probe.impl_->close();
      },
      asio::detached);
  io.run();
  return problem;
}

}  // namespace loadgate
