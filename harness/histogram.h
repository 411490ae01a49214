// A log-linear (HDR-style) latency histogram: values in microseconds from 1 µs to 1 h, kept to
// 3 significant digits, in constant memory (~190 KB), with exact merge.
//
// One implementation, so a value type and not an interface. Every percentile loadgate reports
// comes from here; averages are kept only because JSON readers expect a mean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loadgate {

class Histogram {
 public:
  static constexpr int64_t kHighestTrackableMicros = 3'600'000'000;  // 1 h

  Histogram();

  // Records one value. Returns false, and records nothing, when the value is negative or above
  // kHighestTrackableMicros: the caller counts it (see out_of_range()), it is never clamped.
  bool record(int64_t micros, uint64_t count = 1);

  // Adds every value of `other`; exact, because both share one bucket layout.
  void merge(const Histogram& other);
  void reset();

  uint64_t count() const { return total_count_; }
  uint64_t out_of_range() const { return out_of_range_; }
  int64_t min() const;  // 0 when empty
  int64_t max() const;  // 0 when empty; the exact largest value recorded
  double mean() const;

  // The value at or below which `percentile` percent of the recorded values fall, reported as
  // the highest value equivalent to that bucket (so p100 == max() within precision). 0 if empty.
  int64_t value_at_percentile(double percentile) const;

  // Walks the non-empty buckets: f(highest_equivalent_value, count).
  template <typename F>
  void for_each_bucket(F&& f) const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i] != 0) f(highest_equivalent(value_from_index(i)), counts_[i]);
  }

  // The bucket counts in HdrHistogram's index order (1 µs lowest discernible value, 3 significant
  // digits), so they can be written in its encoding and read back (reports/hdr_encoding.h).
  const std::vector<uint64_t>& counts() const { return counts_; }
  static std::size_t counts_length();
  // A histogram from counts read back. min, max and the mean are what the writer recorded
  // (exact, where the buckets alone would round them); throws std::invalid_argument when there
  // are more counts than the layout has.
  static Histogram from_counts(std::vector<uint64_t> counts, int64_t min, int64_t max, double mean,
                               uint64_t out_of_range);

 private:
  std::size_t index_of(int64_t value) const;
  int64_t value_from_index(std::size_t index) const;
  int64_t highest_equivalent(int64_t value) const;

  std::vector<uint64_t> counts_;
  uint64_t total_count_ = 0;
  uint64_t out_of_range_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace loadgate
