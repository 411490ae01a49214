#include "harness/error_class.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

namespace loadgate {
namespace {

// Transparent hashing: a string_view finds a std::string key without building one.
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};

class Registry {
 public:
  Registry() { names_.emplace_back(); }  // 0: no error

  uint32_t intern(std::string_view name) {
    if (name.empty()) return 0;
    std::lock_guard lock(mutex_);
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(names_.size());
    names_.emplace_back(name);  // a deque: earlier names never move, name() may hand out views
    ids_.emplace(names_.back(), id);
    return id;
  }

  std::string_view name(uint32_t id) {
    std::lock_guard lock(mutex_);
    return id < names_.size() ? std::string_view(names_[id]) : std::string_view();
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> names_;
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> ids_;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

constexpr int kLowestStatus = 100, kHighestStatus = 599;
std::array<std::atomic<uint32_t>, kHighestStatus - kLowestStatus + 1> status_ids{};

}  // namespace

uint64_t total_errors(const ErrorCounts& errors) {
  uint64_t total = 0;
  for (const auto& [error_class, count] : errors) total += count;
  return total;
}

ErrorClass::ErrorClass(std::string_view name) : id_(registry().intern(name)) {}

ErrorClass ErrorClass::http_status(int status) {
  if (status < kLowestStatus || status > kHighestStatus)
    return ErrorClass(fmt::format("http_{}", status));
  auto& slot = status_ids[static_cast<size_t>(status - kLowestStatus)];
  uint32_t id = slot.load(std::memory_order_acquire);
  if (id == 0) {
    id = registry().intern(fmt::format("http_{}", status));
    slot.store(id, std::memory_order_release);
  }
  return ErrorClass(id);
}

std::string_view ErrorClass::name() const {
  return registry().name(id_);
}

void ErrorTally::add(const ErrorTally& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
}

uint64_t ErrorTally::total() const {
  uint64_t sum = 0;
  for (uint64_t c : counts_) sum += c;
  return sum;
}

void ErrorTally::add_to(ErrorCounts& counts) const {
  for (size_t id = 1; id < counts_.size(); ++id)
    if (counts_[id] != 0)
      counts[std::string(ErrorClass(static_cast<uint32_t>(id)).name())] += counts_[id];
}

void ErrorTally::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
}

}  // namespace loadgate
