#include "testbed/service/reference_service.h"

#include <cstring>

#include <charconv>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "harness/jwt.h"
#include "harness/password_hash.h"

namespace loadgate::testbed {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

Response reply(http::status status, const json& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = body.dump();
  return res;
}

Response error_reply(http::status status, std::string_view message) {
  return reply(status, json{{"error", message}});
}

// A body that is not a JSON object with string fields `fields` is a 400, not a crash.
std::optional<json> json_object(const Request& req, std::initializer_list<const char*> fields) {
  json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return std::nullopt;
  for (const char* field : fields)
    if (!body.contains(field) || !body[field].is_string()) return std::nullopt;
  return body;
}

}  // namespace

struct ReferenceService::Routes {
  ReferenceService& service;

  awaitable<Response> login(const Request& req) {
    auto body = json_object(req, {"user", "password"});
    if (!body) co_return error_reply(http::status::bad_request, "expected {\"user\",\"password\"}");
    const std::string user = (*body)["user"];
    const std::string password = (*body)["password"];
    std::optional<std::string> hash;
    co_await service.db_.run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      auto rows = tx.exec_params("SELECT password_hash FROM users WHERE name = $1", user);
      if (!rows.empty()) hash = rows[0][0].as<std::string>();
    });
    bool valid = false;
    co_await offload(service.bcrypt_threads_, [&] {
      valid = bcrypt_verify(password, hash ? *hash : service.decoy_hash_) && hash;
    });
    if (!valid) co_return error_reply(http::status::unauthorized, "invalid credentials");
    auto now = std::chrono::system_clock::now();
    std::string token = mint_hs256({user, "loadgate", now, now + service.config_.token_lifetime},
                                   service.config_.jwt_keys.hs256_secret);
    co_return reply(http::status::ok, {{"token", token},
                                       {"token_type", "Bearer"},
                                       {"expires_in", service.config_.token_lifetime.count()}});
  }

  Response validate(const Request& req) const {
    const auto header = req[http::field::authorization];
    std::string_view auth(header.data(), header.size());
    constexpr std::string_view prefix = "Bearer ";
    if (!auth.starts_with(prefix))
      return error_reply(http::status::unauthorized, "expected Authorization: Bearer <token>");
    auto claims = verify_jwt(std::string(auth.substr(prefix.size())), service.config_.jwt_keys,
                             std::chrono::system_clock::now());
    if (!claims) return error_reply(http::status::unauthorized, "invalid token");
    return reply(http::status::ok, {{"sub", claims->subject}});
  }

  awaitable<Response> get_item(std::string_view id_text) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc{} || end != id_text.data() + id_text.size())
      co_return error_reply(http::status::bad_request, "item id must be a number");
    std::optional<json> item;
    co_await service.db_.run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      auto rows = tx.exec_params("SELECT id, name, payload FROM items WHERE id = $1", id);
      if (!rows.empty())
        item = json{{"id", rows[0][0].as<int64_t>()},
                    {"name", rows[0][1].as<std::string>()},
                    {"payload", rows[0][2].is_null() ? "" : rows[0][2].as<std::string>()}};
    });
    if (!item) co_return error_reply(http::status::not_found, "no such item");
    co_return reply(http::status::ok, *item);
  }

  awaitable<Response> create_item(const Request& req) {
    auto body = json_object(req, {"name"});
    if (!body) co_return error_reply(http::status::bad_request, "expected {\"name\",\"payload\"}");
    const std::string name = (*body)["name"];
    const std::string payload = body->value("payload", "");
    // A load generator's write ledger names its writes, to read them back after the run.
    std::optional<std::string> write_id;
    if (body->contains("write_id") && (*body)["write_id"].is_string())
      write_id = (*body)["write_id"].get<std::string>();
    int64_t id = 0;
    co_await service.db_.run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      id = tx.exec_params1(
                 "INSERT INTO items (name, payload, write_id) VALUES ($1, $2, $3) RETURNING id",
                 name, payload, write_id)[0]
               .as<int64_t>();
      tx.commit();
    });
    co_return reply(http::status::created, {{"id", id}});
  }

  awaitable<Response> dispatch(const Request& req) {
    std::string_view target(req.target().data(), req.target().size());
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    const auto method = req.method();
    constexpr std::string_view items_prefix = "/api/v1/items/";
    if (target == "/healthz") co_return reply(http::status::ok, {{"status", "ok"}});
    if (target == "/validate" && method == http::verb::get) co_return validate(req);
    if (target == "/login" && method == http::verb::post) co_return co_await login(req);
    if (target == "/api/v1/items" && method == http::verb::post)
      co_return co_await create_item(req);
    if (target.starts_with(items_prefix) && method == http::verb::get)
      co_return co_await get_item(target.substr(items_prefix.size()));
    if (target == "/validate" || target == "/login" || target == "/api/v1/items" ||
        target.starts_with(items_prefix))
      co_return error_reply(http::status::method_not_allowed, "method not allowed");
    co_return error_reply(http::status::not_found, "no such route");
  }

  awaitable<Response> handle(const Request& req) {
    try {
      co_return co_await dispatch(req);
    } catch (const pqxx::broken_connection&) {
      // The pool reconnects on the next request; this one fails as the app would.
    } catch (const pqxx::in_doubt_error&) {
      co_return error_reply(http::status::service_unavailable, "commit outcome unknown");
    } catch (const pqxx::sql_error& e) {
      co_return error_reply(http::status::internal_server_error, e.sqlstate());
    } catch (const std::exception& e) {
      co_return error_reply(http::status::internal_server_error, e.what());
    }
    co_return error_reply(http::status::service_unavailable, "database unavailable");
  }
};

ReferenceService::ReferenceService(asio::io_context& io, ServiceConfig config)
    : config_(std::move(config)),
      // Compared against when the user does not exist, so an unknown user costs the same bcrypt
      // time as a wrong password (no user enumeration by timing).
      decoy_hash_(bcrypt_hash("loadgate-decoy", config_.decoy_bcrypt_cost)),
      db_(config_.db_conninfo, config_.pool_size),
      bcrypt_threads_(config_.bcrypt_threads),
      routes_(std::make_unique<Routes>(Routes{*this})),
      acceptor_(io,
                tcp::endpoint(asio::ip::make_address(config_.listen_host), config_.listen_port)) {}

ReferenceService::~ReferenceService() {
  bcrypt_threads_.join();
}

awaitable<void> ReferenceService::serve() {
  asio::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    // Each connection on its own strand: Beast's stream and its timer must not run on two of
    // the io_context's threads at once.
    auto strand = asio::make_strand(acceptor_.get_executor());
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(strand, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      // Out of file descriptors and the like: keep serving the connections we have, retry soon.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(strand, session(std::move(socket)), asio::detached);
  }
}

awaitable<void> ReferenceService::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    Request req;
    stream.expires_after(std::chrono::seconds(120));  // idle keep-alive connections are closed
    co_await http::async_read(stream, buffer, req, asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    stream.expires_never();
    Response res = co_await routes_->handle(req);
    if (config_.leak_per_request > 0) {
      auto kept = std::make_unique<char[]>(config_.leak_per_request);
      std::memset(kept.get(), 1, config_.leak_per_request);
      std::lock_guard lock(leaked_mutex_);
      leaked_.push_back(std::move(kept));
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace loadgate::testbed
