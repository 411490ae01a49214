#include "reports/hdr_interval_log.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "reports/hdr_encoding.h"

namespace loadgate {
namespace {}  // namespace

HdrIntervalLog::HdrIntervalLog(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

AppendedFile& HdrIntervalLog::file_for(const std::string& workload) {
  auto it = files_.find(workload);
  if (it != files_.end()) return it->second;
  AppendedFile& out =
      files_.try_emplace(workload, dir_ / (file_name_for(workload) + ".hlog")).first->second;
  const double epoch = std::chrono::duration<double>(start_.time_since_epoch()).count();
  out.write_line("#[Histogram log format version 1.3]");
  out.write_line(fmt::format("#[StartTime: {:.3f} (seconds since epoch), {:%Y-%m-%dT%H:%M:%S}Z]",
                             epoch, std::chrono::floor<std::chrono::seconds>(start_)));
  out.write_line(
      fmt::format("#[loadgate workload {}: latency in microseconds from the intended start; "
                  "Interval_Max in milliseconds]",
                  workload));
  out.write_line(
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
      "\"Interval_Compressed_Histogram\"");
  return out;
}

void HdrIntervalLog::write(const IntervalRecord& interval) {
  const double length = std::chrono::duration<double>(interval.length).count();
  const double start = std::chrono::duration<double>(interval.end).count() - length;
  for (const auto& w : interval.workloads)
    file_for(w.name).write_line(fmt::format("{:.3f},{:.3f},{:.3f},{}", start, length,
                                            static_cast<double>(w.latency.max()) / 1000.0,
                                            encode_compressed_base64(w.latency)));
}

}  // namespace loadgate
