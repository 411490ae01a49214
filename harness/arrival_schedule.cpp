#include "harness/arrival_schedule.h"

#include <cmath>

namespace loadgate {

ConstantArrivals::ConstantArrivals(double rate_per_second, Duration duration, unsigned owner,
                                   unsigned owners)
    : period_ns_(1e9 / rate_per_second), owner_(owner), owners_(owners) {
  // Global arrivals i with i * period < duration; this owner has those with i % owners == owner.
  auto total = static_cast<uint64_t>(std::ceil(static_cast<double>(duration.count()) / period_ns_));
  count_ = total > owner_ ? (total - owner_ + owners_ - 1) / owners_ : 0;
}

std::optional<Duration> ConstantArrivals::at(uint64_t k) const {
  if (k >= count_) return std::nullopt;
  uint64_t global = owner_ + k * owners_;
  return Duration(static_cast<int64_t>(std::llround(static_cast<double>(global) * period_ns_)));
}

}  // namespace loadgate
