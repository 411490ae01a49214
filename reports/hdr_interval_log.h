// HdrHistogram interval logs (format 1.3), one per workload: OUT/hdr/<workload>.hlog, a line per
// interval with its latency histogram (µs from the intended start, successes) in the V2
// compressed encoding. HistogramLogAnalyzer, HdrHistogram's HistogramLogProcessor and
// hdr-histogram-js read them; so does any percentile question the reports did not ask.
//
//   #[Histogram log format version 1.3]
//   #[StartTime: 1764639569.000 (seconds since epoch), 2026-12-02T01:39:29Z]
//   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//   0.000,1.000,12.345,HISTFAAAA...        (Interval_Max in milliseconds)
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "harness/interval_sink.h"
#include "harness/text_file.h"

namespace loadgate {

class HdrIntervalLog : public IntervalSink {
 public:
  // Files are created under `dir` as workloads first appear; throws std::runtime_error naming a
  // file that cannot be written, there or at any line.
  explicit HdrIntervalLog(std::filesystem::path dir);
  // The run's start, which the logs' timestamps count from.
  void start(WallClock::time_point start) override { start_ = start; }
  void write(const IntervalRecord& interval) override;

 private:
  AppendedFile& file_for(const std::string& workload);

  std::filesystem::path dir_;
  WallClock::time_point start_;
  std::map<std::string, AppendedFile> files_;
};

}  // namespace loadgate
