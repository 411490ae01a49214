// Error classes ("http_503", "connect_refused", "sql_40001") interned into small numbers, so the
// per-request path counts an error by bumping a slot of a vector instead of looking a string up
// in a map (and, for "http_<status>", instead of formatting one).
//
// The table is process-wide and only grows: a class, once named, keeps its number for the life
// of the process, so tallies kept by different threads add up slot by slot.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace loadgate {

using ErrorCounts = std::map<std::string, uint64_t>;  // by error class name, as reports show them
uint64_t total_errors(const ErrorCounts& errors);

class ErrorClass {
 public:
  ErrorClass() = default;  // no error
  // Interns `name` (thread-safe: a lookup under a lock, for classes named at run time). A
  // workload names its fixed classes once, up front, as constants.
  ErrorClass(std::string_view name);  // NOLINT(google-explicit-constructor): {kind, "no_token"}
  ErrorClass(const char* name) : ErrorClass(std::string_view(name)) {}
  ErrorClass(const std::string& name) : ErrorClass(std::string_view(name)) {}
  // "http_<status>": after its first use, a lock-free table lookup.
  static ErrorClass http_status(int status);

  bool empty() const { return id_ == 0; }
  uint32_t id() const { return id_; }
  std::string_view name() const;  // "" for no error
  bool operator==(const ErrorClass&) const = default;

 private:
  friend class ErrorTally;
  explicit ErrorClass(uint32_t id) : id_(id) {}
  uint32_t id_ = 0;
};

// Errors counted by class, one slot per interned class: what a generator thread keeps per
// workload and interval. Single-threaded.
class ErrorTally {
 public:
  void add(ErrorClass error, uint64_t count = 1) {
    if (error.id() >= counts_.size()) counts_.resize(error.id() + 1, 0);
    counts_[error.id()] += count;
  }
  void add(const ErrorTally& other);
  uint64_t total() const;
  // Adds every class counted to `counts` by name.
  void add_to(ErrorCounts& counts) const;
  void reset();  // keeps the slots

 private:
  std::vector<uint64_t> counts_;
};

}  // namespace loadgate
