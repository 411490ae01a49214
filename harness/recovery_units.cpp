#include "harness/recovery_units.h"

namespace loadgate {

RecoveryUnits::RecoveryUnits(std::string kind, std::vector<std::string> ids)
    : kind_(std::move(kind)),
      ids_(std::move(ids)),
      last_try_(new std::atomic<int64_t>[ids_.size()]),
      last_success_(new std::atomic<int64_t>[ids_.size()]) {
  for (size_t i = 0; i < ids_.size(); ++i) last_try_[i] = last_success_[i] = 0;
}

void RecoveryUnits::record(size_t unit, bool succeeded, Clock::time_point at) {
  if (unit >= ids_.size()) return;
  last_try_[unit].store(ticks(at), std::memory_order_relaxed);
  if (succeeded) last_success_[unit].store(ticks(at), std::memory_order_relaxed);
}

std::optional<Clock::time_point> RecoveryUnits::first_success_since(Clock::time_point since) const {
  std::optional<int64_t> first;
  for (size_t i = 0; i < ids_.size(); ++i) {
    const int64_t at = last_success_[i].load(std::memory_order_relaxed);
    if (at >= ticks(since) && (!first || at < *first)) first = at;
  }
  if (!first) return std::nullopt;
  return Clock::time_point(Clock::duration(*first));
}

ClientRecovery RecoveryUnits::assess(const std::string& workload, Clock::time_point since,
                                     Clock::time_point back_at, size_t listed) const {
  ClientRecovery result;
  result.workload = workload;
  result.kind = kind_;
  result.total = ids_.size();
  const int64_t from = ticks(since);
  for (size_t i = 0; i < ids_.size(); ++i) {
    if (last_try_[i].load(std::memory_order_relaxed) < ticks(back_at)) continue;  // untried
    ++result.tried;
    if (last_success_[i].load(std::memory_order_relaxed) >= from) {
      ++result.recovered;
    } else if (result.not_recovered.size() < listed) {
      result.not_recovered.push_back(ids_[i]);
    }
  }
  return result;
}

}  // namespace loadgate
