// A claims file (claims packs are written by hand and shared): read from a file, as
// `loadgate run --claims` and `loadgate report --claims` do.
#include <exception>

#include "fuzz/fuzz_input.h"
#include "reports/claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto file = fuzz::scratch_dir() / "claims.yaml";
  fuzz::write_file(file, fuzz::as_text(data, size));
  try {
    load_claims(file);
  } catch (const std::exception&) {
  }
  return 0;
}
