#include "harness/http_connection.h"

#include <variant>

#include <fmt/format.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace loadgate {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

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
    case TransportError::tls:
      return "tls";
    case TransportError::bad_response:
      return "bad_response";
    case TransportError::too_many_files:
      return "too_many_files";
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
  if (ec == asio::error::no_descriptors) return TransportError::too_many_files;
  return TransportError::connect_failed;
}

TransportError classify_exchange(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return TransportError::timeout;
  if (ec == asio::error::operation_aborted) return TransportError::cancelled;
  if (ec.category() == asio::error::get_ssl_category() || ec == ssl::error::stream_truncated)
    return TransportError::reset;  // a TLS peer that went away mid-exchange
  // Beast's parser errors share one category; end of stream and a cut-off message are the peer
  // going away, anything else is bytes that are not HTTP.
  static const auto& parser_category = make_error_code(http::error::bad_version).category();
  if (ec.category() == parser_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message)
    return TransportError::bad_response;
  return TransportError::reset;  // eof, reset, broken pipe, partial message
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

struct HttpConnection::Impl {
  Impl(asio::any_io_executor executor_, Endpoint endpoint_, Duration connect_timeout_,
       Duration request_timeout_, TlsContext* tls_)
      : executor(std::move(executor_)),
        endpoint(std::move(endpoint_)),
        connect_timeout(connect_timeout_),
        request_timeout(request_timeout_),
        tls(endpoint.scheme == "https" ? tls_ : nullptr),
        host_header(endpoint.port == (tls ? 443 : 80)
                        ? endpoint.host
                        : fmt::format("{}:{}", endpoint.host, endpoint.port)) {
    reset_stream();
  }

  asio::any_io_executor executor;
  std::variant<PlainStream, TlsStream> stream{std::in_place_type<PlainStream>, executor};
  beast::flat_buffer buffer;
  Endpoint endpoint;
  std::optional<tcp::endpoint> resolved;  // resolved once per connection, not per request
  Duration connect_timeout;
  Duration request_timeout;
  TlsContext* tls;
  std::string host_header;
  bool connected = false;
  bool cancelled = false;

  // A TLS stream cannot be reused after an error: every (re)connect starts from a fresh one.
  void reset_stream() {
    if (tls)
      stream.emplace<TlsStream>(executor, tls->native());
    else
      stream.emplace<PlainStream>(executor);
  }

  PlainStream& transport() {
    return std::visit(
        [](auto& s) -> PlainStream& {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, TlsStream>)
            return s.next_layer();
          else
            return s;
        },
        stream);
  }

  awaitable<TransportError> connect() {
    boost::system::error_code ec;
    if (!resolved) {
      tcp::resolver resolver(executor);
      auto results = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                     asio::redirect_error(use_awaitable, ec));
      if (ec || results.empty()) co_return TransportError::connect_failed;
      resolved = results.begin()->endpoint();
    }
    reset_stream();
    transport().expires_after(connect_timeout);
    co_await transport().async_connect(*resolved, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return classify_connect(ec);
    transport().socket().set_option(tcp::no_delay(true), ec);
    if (auto* tls_stream = std::get_if<TlsStream>(&stream)) {
      // SNI, and the name the certificate must carry.
      SSL_set_tlsext_host_name(tls_stream->native_handle(), endpoint.host.c_str());
      if (tls->verify())
        tls_stream->set_verify_callback(ssl::host_name_verification(endpoint.host));
      co_await tls_stream->async_handshake(ssl::stream_base::client,
                                           asio::redirect_error(use_awaitable, ec));
      if (ec)
        co_return ec == beast::error::timeout ? TransportError::connect_timeout
                                              : TransportError::tls;
    }
    connected = true;
    buffer.clear();
    co_return TransportError::none;
  }

  void close() {
    beast::error_code ignored;
    transport().socket().shutdown(tcp::socket::shutdown_both, ignored);
    transport().close();
    connected = false;
  }
};

HttpConnection::HttpConnection(asio::any_io_executor executor, Endpoint endpoint,
                               Duration connect_timeout, Duration request_timeout, TlsContext* tls)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(endpoint), connect_timeout,
                                   request_timeout, tls)) {}

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

  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown)
    throw std::invalid_argument("unknown HTTP method " + request.method);
  http::request<http::string_body> req{verb, request.target, 11};
  req.set(http::field::host, c.host_header);
  req.set(http::field::user_agent, "loadgate");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put) {
    req.body() = request.body;
    req.prepare_payload();
  }

  boost::system::error_code ec;
  http::response<http::string_body> res;
  c.transport().expires_after(c.request_timeout);
  result.sent_at = Clock::now();
  co_await std::visit(
      [&](auto& stream) -> awaitable<void> {
        co_await http::async_write(stream, req, asio::redirect_error(use_awaitable, ec));
        if (!ec)
          co_await http::async_read(stream, c.buffer, res, asio::redirect_error(use_awaitable, ec));
      },
      c.stream);
  if (ec) {
    result.error = c.cancelled ? TransportError::cancelled : classify_exchange(ec);
    c.close();
    co_return result;
  }
  c.transport().expires_never();
  result.response.status = static_cast<int>(res.result_int());
  result.response.body = std::move(res.body());
  if (!res.keep_alive()) c.close();
  co_return result;
}

std::optional<std::string> check_reachable(const Endpoint& endpoint, Duration timeout,
                                           TlsContext* tls) {
  if (endpoint.scheme == "https" && !tls)
    return fmt::format("{}: https needs TLS settings", endpoint.to_string());
  asio::io_context io;
  HttpConnection probe(io.get_executor(), endpoint, timeout, timeout, tls);
  std::optional<std::string> problem;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        TransportError error = co_await probe.impl_->connect();
        if (error == TransportError::tls)
          problem = fmt::format(
              "cannot reach {}:{} ({}): TLS handshake failed (an untrusted or "
              "mismatched certificate? give client.tls.ca_file, or "
              "client.tls.insecure: true)",
              endpoint.host, endpoint.port, endpoint.to_string());
        else if (error != TransportError::none)
          problem = fmt::format("cannot reach {}:{} ({}): {}", endpoint.host, endpoint.port,
                                endpoint.to_string(), error_class_name(error));
        probe.impl_->close();
      },
      asio::detached);
  io.run();
  return problem;
}

}  // namespace loadgate
