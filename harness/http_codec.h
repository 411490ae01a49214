// The HTTP/1.1 wire format on the generator's hot path: requests written into one reused
// buffer, responses parsed without building a header map. Includes Beast's parser, so only
// the HTTP client (and its benchmark) include this header.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/basic_parser.hpp>

#include "harness/http_types.h"

namespace loadgate {

// Replaces `wire` with `request` on the wire. Throws std::invalid_argument when the method is
// not an HTTP token (nothing else could smuggle a second request into the buffer).
void encode_request(const HttpRequest& request, std::string_view host_header, std::string& wire);

// Keeps what a judge needs (status, body; keep_alive() from the base) and nothing else: no
// allocation per header. One reader per response, as Beast requires. A body longer than
// `body_limit` (or announced so by its Content-Length) fails as http::error::body_limit, and no
// more than it is ever reserved.
class ResponseReader final : public boost::beast::http::basic_parser<false> {
 public:
  ResponseReader(HttpResponse& response, std::uint64_t body_limit)
      : response_(response), body_limit_(body_limit) {
    this->body_limit(body_limit);
  }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;
  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override;
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override;
  size_t on_body_impl(string_view part, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, string_view part, error_code&) override;
  void on_finish_impl(error_code&) override {}

  HttpResponse& response_;
  std::uint64_t body_limit_;
};

}  // namespace loadgate
