#include "harness/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace loadgate {
namespace {

// 3 significant digits need 2,000 distinct values per bucket; the next power of two is 2,048.
// The layout follows HdrHistogram's, so an interval log can later be written in its format.
constexpr int kSubBucketCountMagnitude = 11;
constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketCountMagnitude;
constexpr int kSubBucketHalfCountMagnitude = kSubBucketCountMagnitude - 1;
constexpr int64_t kSubBucketHalfCount = kSubBucketCount / 2;
constexpr int64_t kSubBucketMask = kSubBucketCount - 1;

constexpr int bucket_count_for(int64_t highest) {
  int64_t smallest_untrackable = kSubBucketCount;
  int buckets = 1;
  while (smallest_untrackable <= highest) {
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return buckets;
}
constexpr int kBucketCount = bucket_count_for(Histogram::kHighestTrackableMicros);
constexpr size_t kCountsLength = (kBucketCount + 1) * kSubBucketHalfCount;

int bucket_index(int64_t value) {
  int pow2ceiling = 64 - std::countl_zero(static_cast<uint64_t>(value | kSubBucketMask));
  return pow2ceiling - (kSubBucketHalfCountMagnitude + 1);
}

}  // namespace

Histogram::Histogram() : counts_(kCountsLength, 0) {}

size_t Histogram::index_of(int64_t value) const {
  int bucket = bucket_index(value);
  int64_t sub_bucket = value >> bucket;
  return static_cast<size_t>(((int64_t{bucket} + 1) << kSubBucketHalfCountMagnitude) +
                             (sub_bucket - kSubBucketHalfCount));
}

int64_t Histogram::value_from_index(size_t index) const {
  int64_t bucket = (static_cast<int64_t>(index) >> kSubBucketHalfCountMagnitude) - 1;
  int64_t sub_bucket =
      (static_cast<int64_t>(index) & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub_bucket -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

int64_t Histogram::highest_equivalent(int64_t value) const {
  int bucket = bucket_index(value);
  int64_t sub_bucket = value >> bucket;
  int64_t range = int64_t{1} << (sub_bucket >= kSubBucketCount ? bucket + 1 : bucket);
  int64_t lowest = sub_bucket << bucket;
  return lowest + range - 1;
}

bool Histogram::record(int64_t micros, uint64_t count) {
  if (micros < 0 || micros > kHighestTrackableMicros) {
    out_of_range_ += count;
    return false;
  }
  counts_[index_of(micros)] += count;
  total_count_ += count;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
  sum_ += static_cast<double>(micros) * static_cast<double>(count);
  return true;
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = other.first_index(), end = other.end_index(); i < end; ++i)
    counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  out_of_range_ += other.out_of_range_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::size_t Histogram::counts_length() {
  return kCountsLength;
}

Histogram Histogram::from_counts(const std::vector<uint64_t>& counts, int64_t min, int64_t max,
                                 double sum, uint64_t out_of_range) {
  Histogram h;
  h.assign_counts(counts, min, max, sum, out_of_range);
  return h;
}

void Histogram::assign_counts(const std::vector<uint64_t>& counts, int64_t min, int64_t max,
                              double sum, uint64_t out_of_range) {
  if (counts.size() > kCountsLength)
    throw std::invalid_argument("a histogram with more buckets than 1 us to 1 h at 3 digits");
  reset();
  std::copy(counts.begin(), counts.end(), counts_.begin());
  size_t first = counts.size(), last = 0;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] != 0) {
      total_count_ += counts[i];
      first = std::min(first, i);
      last = i;
    }
  out_of_range_ = out_of_range;
  if (total_count_ > 0) {
    // merge() and reset() visit only the buckets from min's to max's: those must hold them all.
    auto trackable = [](int64_t v) { return v >= 0 && v <= kHighestTrackableMicros; };
    min_ = trackable(min) && index_of(min) <= first ? min : value_from_index(first);
    max_ =
        trackable(max) && index_of(max) >= last ? max : highest_equivalent(value_from_index(last));
    sum_ = sum;
  }
}

void Histogram::reset() {
  std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(first_index()),
            counts_.begin() + static_cast<std::ptrdiff_t>(end_index()), 0);
  total_count_ = 0;
  out_of_range_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  sum_ = 0;
}

int64_t Histogram::min() const {
  return total_count_ == 0 ? 0 : min_;
}
int64_t Histogram::max() const {
  return max_;
}
double Histogram::mean() const {
  return total_count_ == 0 ? 0.0 : sum_ / static_cast<double>(total_count_);
}

int64_t Histogram::value_at_percentile(double percentile) const {
  if (total_count_ == 0) return 0;
  double p = std::clamp(percentile, 0.0, 100.0);
  auto wanted = static_cast<uint64_t>(std::llround(p / 100.0 * static_cast<double>(total_count_)));
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::min(highest_equivalent(value_from_index(i)), max_);
  }
  return max_;
}

}  // namespace loadgate
