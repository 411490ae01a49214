// timeline.jsonl, the run's unit of record, read back one interval at a time (`loadgate
// report`, `compare` and the gate fold it again). Each interval read is summed as a fold would.
#include <exception>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "harness/interval_record.h"
#include "reports/timeline_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto file = fuzz::scratch_dir() / "timeline.jsonl";
  fuzz::write_file(file, fuzz::as_text(data, size));
  try {
    std::vector<WorkloadInterval> totals;
    read_timeline(file, [&](const IntervalRecord& interval) {
      if (totals.size() < interval.workloads.size()) totals.resize(interval.workloads.size());
      for (size_t i = 0; i < interval.workloads.size(); ++i) totals[i].merge(interval.workloads[i]);
    });
  } catch (const std::exception&) {
  }
  return 0;
}
