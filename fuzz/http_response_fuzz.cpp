// The generator's HTTP response reader, fed as a socket would: the first byte sets the size
// of each read, the rest is what the peer sent. Small limits, so that the cut-offs
// (headers_too_large, body_too_large) are reached too.
#include <algorithm>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "fuzz/fuzz_input.h"
#include "harness/http_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  if (size == 0) return 0;
  const size_t read_size = 1 + data[0] % 64;
  std::string_view wire = fuzz::as_text(data + 1, size - 1);
  HttpResponse response;
  ResponseReader reader(response, 4096);
  reader.header_limit(1024);
  boost::beast::flat_buffer buffer;
  boost::beast::error_code ec;
  for (;;) {
    const size_t used = reader.put(buffer.data(), ec);
    buffer.consume(used);
    if (reader.is_done() || (ec && ec != boost::beast::http::error::need_more)) break;
    if (used == 0 || buffer.size() == 0) {  // more is needed: the next read
      if (wire.empty()) {
        ec = {};
        reader.put_eof(ec);
        break;
      }
      const size_t n = std::min(read_size, wire.size());
      auto space = buffer.prepare(n);
      std::copy_n(wire.data(), n, static_cast<char*>(space.data()));
      buffer.commit(n);
      wire.remove_prefix(n);
    }
    ec = {};
  }
  if (response.body.size() > 4096) __builtin_trap();  // the limit held
  return 0;
}
