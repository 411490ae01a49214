#include "harness/recovery_units.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loadgate {

RecoveryUnits::RecoveryUnits(std::string kind, std::vector<std::string> ids,
                             std::vector<size_t> groups)
    : kind_(std::move(kind)),
      ids_(std::move(ids)),
      groups_(std::move(groups)),
      last_try_(new std::atomic<int64_t>[ids_.size()]),
      last_success_(new std::atomic<int64_t>[ids_.size()]) {
  if (groups_.size() != ids_.size())
    throw std::invalid_argument("RecoveryUnits: one group per unit");
  for (size_t i = 0; i < ids_.size(); ++i) last_try_[i] = last_success_[i] = 0;
  group_count_ = groups_.empty() ? 0 : *std::max_element(groups_.begin(), groups_.end()) + 1;
}

void RecoveryUnits::record(size_t unit, bool succeeded, Clock::time_point at) {
  if (unit >= ids_.size()) return;
  // The success first, the try after it (release): whoever sees this try sees its success too.
  if (succeeded) last_success_[unit].store(ticks(at), std::memory_order_relaxed);
  last_try_[unit].store(ticks(at), std::memory_order_release);
}

void RecoveryUnits::update_back_at(BackAt& back_at, Clock::time_point since) const {
  back_at.resize(group_count_);
  BackAt found(group_count_);
  for (size_t i = 0; i < ids_.size(); ++i) {
    const Clock::time_point at{Clock::duration(last_success_[i].load(std::memory_order_relaxed))};
    auto& first = found[groups_[i]];
    if (at >= since && (!first || at < *first)) first = at;
  }
  for (size_t g = 0; g < group_count_; ++g)
    if (!back_at[g]) back_at[g] = found[g];
}

ClientRecovery RecoveryUnits::assess(const std::string& workload, Clock::time_point since,
                                     const BackAt& back_at, size_t listed) const {
  ClientRecovery result;
  result.workload = workload;
  result.kind = kind_;
  result.total = ids_.size();
  for (size_t i = 0; i < ids_.size(); ++i) {
    const size_t g = groups_[i];
    const Clock::time_point from = g < back_at.size() && back_at[g] ? *back_at[g] : since;
    const int64_t tried = last_try_[i].load(std::memory_order_acquire);
    if (tried < ticks(from)) continue;  // untried since its group was back
    ++result.tried;
    if (last_success_[i].load(std::memory_order_relaxed) >= tried) {
      ++result.recovered;
    } else if (result.not_recovered.size() < listed) {
      result.not_recovered.push_back(ids_[i]);
    }
  }
  return result;
}

std::shared_ptr<RecoveryUnits> virtual_users_of(const ExecutorSpec& executor) {
  if (executor.model != ExecutorSpec::Model::closed) return nullptr;
  const auto count = static_cast<size_t>(std::ceil(executor.profile.peak()));
  std::vector<std::string> ids;
  std::vector<size_t> groups;
  for (size_t v = 0; v < count; ++v) {
    ids.push_back("vu" + std::to_string(v));
    groups.push_back(v);
  }
  return std::make_shared<RecoveryUnits>("virtual user", std::move(ids), std::move(groups));
}

}  // namespace loadgate
