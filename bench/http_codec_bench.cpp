// What the generator pays per request to encode it and to parse the response, with the same
// Beast calls the HTTP client makes.
#include <benchmark/benchmark.h>

#include <sstream>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

void BM_RequestEncode(benchmark::State& state) {
  std::string wire;
  for (auto _ : state) {
    http::request<http::string_body> req{http::verb::get, "/validate", 11};
    req.set(http::field::host, "127.0.0.1:8080");
    req.set(http::field::user_agent, "loadgate");
    req.set(http::field::authorization,
            "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJl");
    http::request_serializer<http::string_body> serializer{req};
    wire.clear();
    beast::error_code ec;
    serializer.next(ec, [&](beast::error_code&, const auto& buffers) {
      for (auto b : beast::buffers_range_ref(buffers))
        wire.append(static_cast<const char*>(b.data()), b.size());
      serializer.consume(beast::buffer_bytes(buffers));
    });
    benchmark::DoNotOptimize(wire.data());
  }
}
BENCHMARK(BM_RequestEncode);

void BM_ResponseParse(benchmark::State& state) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 23 Nov 2026 12:00:00 GMT\r\n"
      "Content-Type: application/json\r\nContent-Length: 15\r\nConnection: keep-alive\r\n\r\n"
      "{\"sub\":\"user1\"}";
  for (auto _ : state) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);  // header and body in one put(), as async_read does with a full buffer
    beast::error_code ec;
    parser.put(boost::asio::buffer(wire), ec);
    benchmark::DoNotOptimize(parser.get().result_int());
    if (ec || !parser.is_done()) state.SkipWithError("parse failed");
  }
}
BENCHMARK(BM_ResponseParse);

}  // namespace
