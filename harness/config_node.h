// A read-only view of one node of a scenario file that knows where it came from, so every
// error names the file, line and key ("demo.yaml:7:11: workloads.validate.executor.rate:
// expected a rate with a unit, like 200/s"), or the --set flag that supplied the value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "harness/units.h"

namespace loadgate {

// A user error in a scenario or an override: the message is complete and printable as is.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a document came from: its file name and the key paths that --set replaced.
struct ConfigSource {
  std::string file;
  std::set<std::string> overridden_paths;
};

class ConfigNode {
 public:
  ConfigNode(YAML::Node node, std::shared_ptr<const ConfigSource> source, std::string path);

  const std::string& path() const { return path_; }
  bool has(std::string_view key) const;

  // The value under `key`; a missing key is an error naming this node's location.
  ConfigNode at(std::string_view key) const;
  std::optional<ConfigNode> find(std::string_view key) const;

  std::string as_string() const;
  double as_number() const;
  int64_t as_integer(int64_t min, int64_t max) const;
  bool as_bool() const;
  Duration as_duration() const;
  // A positive size with its unit ("1MiB", "64KiB"), in bytes.
  uint64_t as_byte_size() const;
  double as_rate_per_second(bool allow_zero = false) const;
  std::vector<ConfigNode> as_list() const;    // a scalar is a list of one
  bool is_list() const;                       // written as a list (not a scalar)
  std::vector<std::string> map_keys() const;  // in file order

  // Rejects any key not in `allowed`, naming its line and the nearest allowed spelling.
  void allow_only(std::initializer_list<std::string_view> allowed) const {
    allow_only(std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  void allow_only(std::span<const std::string_view> allowed) const;
  // Rejects anything that is not a mapping.
  void require_map() const;

  [[noreturn]] void fail(std::string_view message) const;
  std::string where() const;  // "file:line:col" or "--set path"

 private:
  ConfigNode child(const std::string& key, YAML::Node node) const;
  std::string scalar_or_fail(std::string_view expected) const;

  YAML::Node node_;
  std::shared_ptr<const ConfigSource> source_;
  std::string path_;
};

// The candidate `word` is most likely a misspelling of (at most two edits away, and not
// `word` itself), for "did you mean" hints.
std::optional<std::string> near_miss(std::string_view word,
                                     const std::vector<std::string>& candidates);

// Parses a YAML document; a syntax error or an empty document is a ConfigError naming
// "file:line:col".
YAML::Node parse_yaml_text(const std::string& text, const std::string& file);

}  // namespace loadgate
