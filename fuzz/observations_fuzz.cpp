// observations.jsonl, the deployment observer's samples, read back one at a time.
#include <exception>

#include "fuzz/fuzz_input.h"
#include "harness/results.h"
#include "reports/observations_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto file = fuzz::scratch_dir() / "observations.jsonl";
  fuzz::write_file(file, fuzz::as_text(data, size));
  try {
    size_t samples = 0;
    read_observations(file, [&](const ObservedSample&) { ++samples; });
  } catch (const std::exception&) {
  }
  return 0;
}
