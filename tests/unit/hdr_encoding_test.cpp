// HdrHistogram interop: the V2 compressed encoding every histogram travels in, and the interval
// logs (format 1.3) HdrHistogram's own tools read.
#include <catch2/catch.hpp>

#include <fstream>

#include "reports/hdr_encoding.h"
#include "reports/hdr_interval_log.h"

using namespace loadgate;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

TEST_CASE("histograms travel in HdrHistogram's V2 compressed encoding, exactly") {
  Histogram h;
  for (int64_t v :
       std::initializer_list<int64_t>{1, 2, 999, 1000, 2047, 2048, 4096, 123'456, 3'600'000'000})
    h.record(v, static_cast<uint64_t>(v % 7 + 1));
  const std::string encoded = encode_compressed_base64(h);
  // The cookie 0x1c849314 is what makes every HdrHistogram V2 string start "HISTF".
  CHECK(encoded.rfind("HISTF", 0) == 0);
  const auto counts = decode_compressed_base64(encoded);
  REQUIRE(counts.size() <= h.counts().size());
  CHECK(std::equal(counts.begin(), counts.end(), h.counts().begin()));
  const Histogram back = Histogram::from_counts(counts, h.min(), h.max(), h.sum(), 0);
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0})
    CHECK(back.value_at_percentile(p) == h.value_at_percentile(p));
  CHECK(back.count() == h.count());
  CHECK(back.mean() == h.mean());
  // An empty histogram encodes too.
  CHECK(decode_compressed_base64(encode_compressed_base64(Histogram())).empty());
  // What is not a histogram says so.
  CHECK_THROWS_WITH(decode_compressed_base64("HISTF"), Contains("not base64"));
  CHECK_THROWS_WITH(decode_compressed_base64("aGVsbG8gd29ybGQh"), Contains("not an HdrHistogram"));
}

TEST_CASE("the HdrHistogram interval log has the 1.3 header and a decodable line per interval") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-hlog-test";
  std::filesystem::remove_all(dir);
  {
    HdrIntervalLog log(dir);
    log.start(WallClock::from_time_t(1'790'000'000));
    for (uint64_t i = 0; i < 2; ++i) {
      IntervalRecord interval;
      interval.index = i;
      interval.end = std::chrono::seconds(i + 1);
      interval.length = 1s;
      WorkloadInterval w;
      w.name = "a/b";  // not a file name as it stands
      w.latency.record(2500, 3);
      w.latency.record(12'345);
      interval.workloads = {w};
      log.write(interval);
    }
  }
  std::ifstream in(dir / "a_b.hlog");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "#[Histogram log format version 1.3]");
  CHECK(lines[1] == "#[StartTime: 1790000000.000 (seconds since epoch), 2026-09-21T14:13:20Z]");
  CHECK(
      lines[3] ==
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
  CHECK(lines[5].rfind("1.000,1.000,12.345,HISTF", 0) == 0);
  const auto counts = decode_compressed_base64(lines[5].substr(lines[5].rfind(',') + 1));
  uint64_t total = 0;
  for (auto c : counts) total += c;
  CHECK(total == 4);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an interval log that cannot be written says which file and why") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgate-hlog-full";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink("/dev/full", dir / "w.hlog");  // a disk with no space left
  HdrIntervalLog log(dir);
  IntervalRecord interval;
  interval.workloads.emplace_back().name = "w";
  CHECK_THROWS_WITH(log.write(interval), Contains("w.hlog") && Contains("No space left on device"));
  std::filesystem::remove_all(dir);
}
