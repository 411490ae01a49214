// A run directory as `loadgate report` reads it: result.json (the fuzz input, up to a line
// "--timeline--"; after it, timeline.jsonl), read back and rendered in every report format.
#include <exception>

#include "fuzz/fuzz_input.h"
#include "reports/report_formats.h"
#include "reports/result_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto parts = fuzz::split(fuzz::as_text(data, size), "\n--timeline--\n");
  const auto& dir = fuzz::scratch_dir();
  fuzz::write_file(dir / "result.json", parts[0]);
  fuzz::write_file(dir / "timeline.jsonl", parts.size() > 1 ? parts[1] : "");
  try {
    const RunResult run = read_run(dir);
    for (const auto& format : report_formats()) (void)format.render(run, true);
  } catch (const std::exception&) {
  }
  return 0;
}
