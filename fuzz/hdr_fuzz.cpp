// The HdrHistogram V2 compressed-base64 decoder: result.json and hdr/*.hlog carry histograms
// in it, and `loadgate report` decodes files users pass around.
#include <exception>

#include "fuzz/fuzz_input.h"
#include "reports/hdr_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  try {
    loadgate::decode_compressed_base64(fuzz::as_text(data, size));
  } catch (const std::exception&) {
  }
  return 0;
}
