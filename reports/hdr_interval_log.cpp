#include "reports/hdr_interval_log.h"

#include <stdexcept>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "reports/hdr_encoding.h"

namespace loadgate {
namespace {

// A workload's name as a file name: letters, digits, '-' and '_' kept, the rest '_'.
std::string file_name(const std::string& workload) {
  std::string name = workload;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return name + ".hlog";
}

}  // namespace

HdrIntervalLog::HdrIntervalLog(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

std::ofstream& HdrIntervalLog::file_for(const std::string& workload) {
  auto it = files_.find(workload);
  if (it != files_.end()) return it->second;
  const auto path = dir_ / file_name(workload);
  std::ofstream out(path, std::ios::trunc);
  const double epoch = std::chrono::duration<double>(start_.time_since_epoch()).count();
  out << "#[Histogram log format version 1.3]\n"
      << fmt::format("#[StartTime: {:.3f} (seconds since epoch), {:%Y-%m-%dT%H:%M:%S}Z]\n", epoch,
                     std::chrono::floor<std::chrono::seconds>(start_))
      << fmt::format(
             "#[loadgate workload {}: latency in microseconds from the intended start; "
             "Interval_Max in milliseconds]\n",
             workload)
      << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
         "\"Interval_Compressed_Histogram\"\n";
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  return files_.emplace(workload, std::move(out)).first->second;
}

void HdrIntervalLog::write(const IntervalSample& sample) {
  const double length = std::chrono::duration<double>(sample.length).count();
  const double start = std::chrono::duration<double>(sample.end).count() - length;
  for (const auto& w : sample.workloads) {
    std::ofstream& out = file_for(w.name);
    out << fmt::format("{:.3f},{:.3f},{:.3f},{}\n", start, length,
                       static_cast<double>(w.latency.max()) / 1000.0,
                       encode_compressed_base64(w.latency));
    out.flush();
  }
}

}  // namespace loadgate
