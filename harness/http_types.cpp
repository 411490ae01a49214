#include "harness/http_types.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {

bool is_http_method(std::string_view method) {
  return !method.empty() &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string Endpoint::to_string() const {
  return fmt::format("{}://{}:{}", scheme, host, port);
}

Endpoint parse_endpoint(const std::string& url) {
  auto bad = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("bad target URL \"{}\": {}", url, why));
  };
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw bad("expected http://host:port");
  Endpoint endpoint;
  endpoint.scheme = url.substr(0, scheme_end);
  if (endpoint.scheme != "http" && endpoint.scheme != "https")
    throw bad("the scheme must be http or https");
  std::string rest = url.substr(scheme_end + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/") throw bad("a base URL has no path; workloads add their own");
    rest.resize(slash);
  }
  auto colon = rest.rfind(':');
  if (rest.starts_with('[')) {  // [::1]:8080
    auto close = rest.find(']');
    if (close == std::string::npos) throw bad("unclosed [ in the host");
    endpoint.host = rest.substr(1, close - 1);
    colon = rest.find(':', close);
  } else {
    endpoint.host = rest.substr(0, colon);
  }
  if (endpoint.host.empty()) throw bad("no host");
  if (colon == std::string::npos) {
    endpoint.port = endpoint.scheme == "https" ? 443 : 80;
    return endpoint;
  }
  std::string port = rest.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
  if (ec != std::errc{} || end != port.data() + port.size() || endpoint.port == 0)
    throw bad("the port must be a number from 1 to 65535");
  return endpoint;
}

}  // namespace loadgate
