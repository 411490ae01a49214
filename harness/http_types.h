// What a workload hands the HTTP client and gets back: plain data, no Beast types, so workloads
// and reports never parse Beast's headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loadgate {

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, e.g. "/validate"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint32_t variant = 0;       // the workload's own marker for judge(), e.g. "sent a wrong password"
  std::string tag = {};       // the workload's own data for judge(), e.g. the id a reply must echo
  std::string write_id = {};  // a write ledger's id for this request, when it records it
  size_t vu = SIZE_MAX;       // the virtual user that sends it (set by the harness)
  // It needs a session token its virtual user has not got yet (its login has not succeeded):
  // the harness does not send it and counts the error no_token.
  bool without_token = false;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// A base URL of a target instance, e.g. http://127.0.0.1:8080
struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;
  uint16_t port = 0;
  std::string to_string() const;
};

// Whether `method` can go on the request line: an upper-case HTTP token (GET, POST, ...), so
// nothing can smuggle a second request into it.
bool is_http_method(std::string_view method);

// Parses "http[s]://host[:port][/]"; throws std::invalid_argument naming the URL otherwise.
Endpoint parse_endpoint(const std::string& url);

}  // namespace loadgate
