// What the generator pays per request to encode it and to parse the response: the functions the
// HTTP client really calls (harness/http_codec.h).
#include <benchmark/benchmark.h>

#include <boost/asio/buffer.hpp>

#include "harness/http_codec.h"

namespace {

void BM_RequestEncode(benchmark::State& state) {
  const loadgate::HttpRequest request{
      "GET",
      "/validate",
      {{"Authorization",
        "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJl"}},
      ""};
  std::string wire;
  for (auto _ : state) {
    loadgate::encode_request(request, "127.0.0.1:8080", wire);
    benchmark::DoNotOptimize(wire.data());
  }
}
BENCHMARK(BM_RequestEncode);

void BM_ResponseParse(benchmark::State& state) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 23 Nov 2026 12:00:00 GMT\r\n"
      "Content-Type: application/json\r\nContent-Length: 15\r\nConnection: keep-alive\r\n\r\n"
      "{\"sub\":\"user1\"}";
  loadgate::HttpResponse response;
  for (auto _ : state) {
    loadgate::ResponseReader reader(response, 1 << 20);
    reader.eager(true);  // header and body in one put(), as a read of a full buffer does
    boost::beast::error_code ec;
    reader.put(boost::asio::buffer(wire), ec);
    if (ec || !reader.is_done() || response.status != 200) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(response.body.data());
  }
}
BENCHMARK(BM_ResponseParse);

}  // namespace
