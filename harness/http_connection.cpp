#include "harness/http_connection.h"

#include "harness/http_codec.h"

#include <algorithm>
#include <variant>

#include <fmt/format.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

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
    case TransportError::headers_too_large:
      return "headers_too_large";
    case TransportError::body_too_large:
      return "body_too_large";
    case TransportError::too_many_files:
      return "too_many_files";
    case TransportError::cancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace {

TransportError classify_connect(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return TransportError::connect_refused;
  if (ec == asio::error::no_descriptors) return TransportError::too_many_files;
  return TransportError::connect_failed;
}

TransportError classify_exchange(const boost::system::error_code& ec) {
  // Beast's parser errors share one category; end of stream and a cut-off message are the peer
  // going away, anything else is bytes that are not HTTP.
  static const auto& parser_category = make_error_code(http::error::bad_version).category();
  if (ec == http::error::header_limit) return TransportError::headers_too_large;
  if (ec == http::error::body_limit) return TransportError::body_too_large;
  if (ec.category() == parser_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message)
    return TransportError::bad_response;
  return TransportError::reset;  // eof, reset, broken pipe, TLS truncation, partial message
}

using TlsSocket = ssl::stream<tcp::socket>;
constexpr auto kNoDeadline = Clock::time_point::max();

}  // namespace

struct HttpConnection::Impl {
  Impl(asio::any_io_executor executor_, Endpoint endpoint_, HttpTimeouts timeouts_,
       TimeoutSweeper& sweeper_, TlsContext* tls_, HttpLimits limits_)
      : executor(std::move(executor_)),
        endpoint(std::move(endpoint_)),
        timeouts(timeouts_),
        limits(limits_),
        sweeper(sweeper_),
        tls(endpoint.scheme == "https" ? tls_ : nullptr),
        host_header(endpoint.port == (endpoint.scheme == "https" ? 443 : 80)
                        ? endpoint.host
                        : fmt::format("{}:{}", endpoint.host, endpoint.port)) {
    if (endpoint.scheme == "https" && !tls) throw std::invalid_argument("https needs TLS settings");
    reset_stream();
  }

  asio::any_io_executor executor;
  std::variant<tcp::socket, TlsSocket> stream{std::in_place_type<tcp::socket>, executor};
  beast::flat_buffer buffer;
  std::string wire;  // the request being written, reused
  Endpoint endpoint;
  std::optional<tcp::endpoint> resolved;  // resolved once per connection, not per request
  HttpTimeouts timeouts;
  HttpLimits limits;
  TimeoutSweeper& sweeper;
  TlsContext* tls;
  std::string host_header;
  Clock::time_point deadline = kNoDeadline;
  Clock::time_point last_used{};
  bool timed_out = false;
  bool connected = false;
  bool cancelled = false;

  // A TLS stream cannot be reused after an error: every (re)connect starts from a fresh one.
  void reset_stream() {
    if (tls)
      stream.emplace<TlsSocket>(executor, tls->native());
    else
      stream.emplace<tcp::socket>(executor);
  }

  tcp::socket& socket() {
    if (auto* tls_socket = std::get_if<TlsSocket>(&stream)) return tls_socket->next_layer();
    return std::get<tcp::socket>(stream);
  }

  void close() {
    boost::system::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
    connected = false;
  }

  // Called by the sweeper: aborts the pending operation, which then reports a timeout.
  void expire() {
    timed_out = true;
    deadline = kNoDeadline;
    close();
  }

  awaitable<TransportError> connect() {
    boost::system::error_code ec;
    timed_out = false;
    deadline = Clock::now() + timeouts.connect;
    if (!resolved) {
      tcp::resolver resolver(executor);
      auto results = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                     asio::redirect_error(use_awaitable, ec));
      if (ec || results.empty()) co_return finish_connect(TransportError::connect_failed);
      resolved = results.begin()->endpoint();
      // The resolver cannot be aborted by expire() or cancel(): honour them once it is back.
      if (timed_out || cancelled) co_return finish_connect(TransportError::connect_failed);
    }
    reset_stream();
    co_await socket().async_connect(*resolved, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return finish_connect(classify_connect(ec));
    socket().set_option(tcp::no_delay(true), ec);
    if (auto* tls_socket = std::get_if<TlsSocket>(&stream)) {
      // SNI, and the name the certificate must carry.
      SSL_set_tlsext_host_name(tls_socket->native_handle(), endpoint.host.c_str());
      if (tls->verify())
        tls_socket->set_verify_callback(ssl::host_name_verification(endpoint.host));
      co_await tls_socket->async_handshake(ssl::stream_base::client,
                                           asio::redirect_error(use_awaitable, ec));
      if (ec) co_return finish_connect(TransportError::tls);
    }
    connected = true;
    buffer.clear();
    co_return finish_connect(TransportError::none);
  }

  TransportError finish_connect(TransportError error) {
    deadline = kNoDeadline;
    if (cancelled)
      error = TransportError::cancelled;
    else if (timed_out)
      error = TransportError::connect_timeout;
    if (error != TransportError::none) close();
    return error;
  }
};

HttpConnection::HttpConnection(asio::any_io_executor executor, Endpoint endpoint,
                               HttpTimeouts timeouts, TimeoutSweeper& sweeper, TlsContext* tls,
                               HttpLimits limits)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(endpoint), timeouts, sweeper, tls,
                                   limits)) {
  sweeper.connections_.push_back(this);
}

HttpConnection::~HttpConnection() {
  auto& list = impl_->sweeper.connections_;
  auto it = std::find(list.begin(), list.end(), this);
  if (it != list.end()) {
    *it = list.back();
    list.pop_back();
  }
}

void HttpConnection::cancel() {
  impl_->cancelled = true;
  impl_->close();
}

Clock::time_point HttpConnection::last_used() const {
  return impl_->last_used;
}

bool HttpConnection::idle_expired(Clock::time_point now) const {
  return now - impl_->last_used > impl_->timeouts.idle;
}

awaitable<TransportError> HttpConnection::connect() {
  return impl_->connect();
}

awaitable<Exchange> HttpConnection::exchange(const HttpRequest& request) {
  Impl& c = *impl_;
  encode_request(request, c.host_header, c.wire);
  Exchange result;
  // Servers and load balancers close idle keep-alive connections; reusing one would fail as a
  // reset that is the client's doing, not the target's. Reconnect first. One clock read serves the
  // idle check, the send time and the deadline (a hot path).
  Clock::time_point now = Clock::now();
  if (c.connected && idle_expired(now)) c.close();
  if (!c.connected) {
    result.error = co_await c.connect();
    if (result.error != TransportError::none) co_return result;
    now = Clock::now();
  }

  boost::system::error_code ec;
  c.timed_out = false;
  c.deadline = now + c.timeouts.request;
  result.sent_at = now;
  ResponseReader reader(result.response, c.limits.body_bytes);
  reader.header_limit(static_cast<std::uint32_t>(c.limits.header_bytes));
  co_await std::visit(
      [&](auto& stream) -> awaitable<void> {
        co_await asio::async_write(stream, asio::buffer(c.wire),
                                   asio::redirect_error(use_awaitable, ec));
        if (!ec)
          co_await http::async_read(stream, c.buffer, reader,
                                    asio::redirect_error(use_awaitable, ec));
      },
      c.stream);
  c.deadline = kNoDeadline;
  c.last_used = Clock::now();
  if (ec || c.cancelled || c.timed_out) {
    result.error = c.cancelled   ? TransportError::cancelled
                   : c.timed_out ? TransportError::timeout
                                 : classify_exchange(ec);
    c.close();
    co_return result;
  }
  if (!reader.keep_alive()) c.close();
  co_return result;
}

TimeoutSweeper::TimeoutSweeper(asio::any_io_executor executor, Duration granularity)
    : timer_(executor), granularity_(granularity) {}

void TimeoutSweeper::start() {
  if (running_) return;
  running_ = true;
  asio::co_spawn(timer_.get_executor(), sweep(), asio::detached);
}

void TimeoutSweeper::stop() {
  running_ = false;
  timer_.cancel();
}

void TimeoutSweeper::cancel_all() {
  for (HttpConnection* connection : connections_) connection->cancel();
}

awaitable<void> TimeoutSweeper::sweep() {
  boost::system::error_code ec;
  while (running_) {
    timer_.expires_after(granularity_);
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    const auto now = Clock::now();
    for (size_t i = 0; i < connections_.size(); ++i)  // expire() never adds or removes
      if (connections_[i]->impl_->deadline <= now) connections_[i]->impl_->expire();
  }
}

std::optional<std::string> check_reachable(const Endpoint& endpoint, Duration timeout,
                                           TlsContext* tls) {
  if (endpoint.scheme == "https" && !tls)
    return fmt::format("{}: https needs TLS settings", endpoint.to_string());
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor());
  HttpConnection probe(io.get_executor(), endpoint, {timeout, timeout}, sweeper, tls);
  std::optional<std::string> problem;
  sweeper.start();
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        TransportError error = co_await probe.connect();
        sweeper.stop();
        if (error == TransportError::tls)
          problem = fmt::format(
              "cannot reach {}:{} ({}): TLS handshake failed (an untrusted or "
              "mismatched certificate? give client.tls.ca_file, or "
              "client.tls.insecure: true)",
              endpoint.host, endpoint.port, endpoint.to_string());
        else if (error != TransportError::none)
          problem = fmt::format("cannot reach {}:{} ({}): {}", endpoint.host, endpoint.port,
                                endpoint.to_string(), error_class_name(error));
      },
      asio::detached);
  io.run();
  return problem;
}

Exchange exchange_once(const Endpoint& endpoint, const HttpRequest& request, HttpTimeouts timeouts,
                       TlsContext* tls, HttpLimits limits) {
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor());
  HttpConnection connection(io.get_executor(), endpoint, timeouts, sweeper, tls, limits);
  Exchange result;
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

}  // namespace loadgate
