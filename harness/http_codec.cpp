#include "harness/http_codec.h"

#include <stdexcept>

#include <fmt/format.h>
#include <boost/beast/http/error.hpp>

namespace loadgate {

void encode_request(const HttpRequest& request, std::string_view host_header, std::string& wire) {
  if (!is_http_method(request.method))
    throw std::invalid_argument(fmt::format("\"{}\" is not an HTTP method", request.method));
  wire.clear();
  wire.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\nHost: ");
  wire.append(host_header).append("\r\nUser-Agent: loadgate\r\n");
  for (const auto& [name, value] : request.headers)
    wire.append(name).append(": ").append(value).append("\r\n");
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH")
    wire.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  wire.append("\r\n").append(request.body);
}

void ResponseReader::on_response_impl(int code, string_view, int, error_code&) {
  response_.status = code;
}

void ResponseReader::on_body_init_impl(const boost::optional<std::uint64_t>& length,
                                       error_code& ec) {
  response_.body.clear();
  if (!length) return;
  if (*length > body_limit_) {
    ec = boost::beast::http::error::body_limit;
    return;
  }
  response_.body.reserve(static_cast<size_t>(*length));
}

size_t ResponseReader::on_body_impl(string_view part, error_code&) {
  response_.body.append(part.data(), part.size());
  return part.size();
}

size_t ResponseReader::on_chunk_body_impl(std::uint64_t, string_view part, error_code&) {
  response_.body.append(part.data(), part.size());
  return part.size();
}

}  // namespace loadgate
