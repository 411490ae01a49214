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

  // Adds every value of `other`; exact, because both share one bucket layout. Only the buckets
  // between other's min and max are visited, so merging a narrow interval histogram is cheap.
  void merge(const Histogram& other);
  // Empties the histogram for reuse, keeping its memory (an interval recorder resets each
  // interval; a fresh histogram would allocate ~190 KB).
  void reset();

  uint64_t count() const { return total_count_; }
  uint64_t out_of_range() const { return out_of_range_; }
  int64_t min() const;  // 0 when empty
  int64_t max() const;  // 0 when empty; the exact largest value recorded
  double mean() const;
  double sum() const { return sum_; }  // of every value recorded: means of merged windows add up

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
  // A histogram from counts read back. min, max and the sum are what the writer recorded
  // (exact, where the buckets alone would round them); a min or max that does not bracket the
  // counts is widened to them. Throws std::invalid_argument when there are more counts than the
  // layout has.
  static Histogram from_counts(const std::vector<uint64_t>& counts, int64_t min, int64_t max,
                               double sum, uint64_t out_of_range);
  // The same into this histogram, reusing its memory.
  void assign_counts(const std::vector<uint64_t>& counts, int64_t min, int64_t max, double sum,
                     uint64_t out_of_range);

 private:
  std::size_t index_of(int64_t value) const;
  int64_t value_from_index(std::size_t index) const;
  int64_t highest_equivalent(int64_t value) const;
  // The buckets that may hold counts: from min's to max's (empty when nothing was recorded).
  std::size_t first_index() const { return total_count_ ? index_of(min_) : 0; }
  std::size_t end_index() const { return total_count_ ? index_of(max_) + 1 : 0; }

  std::vector<uint64_t> counts_;
  uint64_t total_count_ = 0;
  uint64_t out_of_range_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace loadgate
