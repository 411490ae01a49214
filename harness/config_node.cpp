#include "harness/config_node.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace loadgate {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return fmt::format("\"{}\"", node.Scalar());
  }
}

}  // namespace

ConfigNode::ConfigNode(YAML::Node node, std::shared_ptr<const ConfigSource> source,
                       std::string path)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)) {}

std::optional<std::string> near_miss(std::string_view word,
                                     const std::vector<std::string>& candidates) {
  std::optional<std::string> nearest;
  size_t best = 3;  // suggest only near misses
  for (const auto& candidate : candidates) {
    const size_t d = edit_distance(word, candidate);
    if (d > 0 && d < best && d < std::max<size_t>(candidate.size(), 2))
      best = d, nearest = candidate;
  }
  return nearest;
}

std::string ConfigNode::where() const {
  for (const auto& overridden : source_->overridden_paths) {
    if (path_ == overridden || path_.starts_with(overridden + "."))
      return fmt::format("--set {}", overridden);
  }
  const YAML::Mark mark = node_.Mark();
  if (mark.is_null()) return source_->file;
  return fmt::format("{}:{}:{}", source_->file, mark.line + 1, mark.column + 1);
}

void ConfigNode::fail(std::string_view message) const {
  if (path_.empty()) throw ConfigError(fmt::format("{}: {}", where(), message));
  throw ConfigError(fmt::format("{}: {}: {}", where(), path_, message));
}

ConfigNode ConfigNode::child(const std::string& key, YAML::Node node) const {
  return ConfigNode(std::move(node), source_, path_.empty() ? key : path_ + "." + key);
}

void ConfigNode::require_map() const {
  if (!node_.IsMap()) fail(fmt::format("expected a mapping of keys, got {}", describe(node_)));
}

bool ConfigNode::has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined();
}

std::optional<ConfigNode> ConfigNode::find(std::string_view key) const {
  require_map();
  YAML::Node value = node_[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return child(std::string(key), value);
}

ConfigNode ConfigNode::at(std::string_view key) const {
  auto value = find(key);
  if (!value) fail(fmt::format("missing required key '{}'", key));
  return *value;
}

std::vector<std::string> ConfigNode::map_keys() const {
  require_map();
  std::vector<std::string> keys;
  for (const auto& entry : node_) keys.push_back(entry.first.as<std::string>());
  return keys;
}

void ConfigNode::allow_only(std::span<const std::string_view> allowed) const {
  require_map();
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string_view nearest;
    size_t best = 3;  // suggest only near misses
    for (auto candidate : allowed) {
      size_t d = edit_distance(key, candidate);
      if (d < best) best = d, nearest = candidate;
    }
    std::string hint = nearest.empty() ? fmt::format(" (allowed: {})", fmt::join(allowed, ", "))
                                       : fmt::format(" (did you mean '{}'?)", nearest);
    ConfigNode(entry.first, source_, path_.empty() ? key : path_ + "." + key)
        .fail(fmt::format("unknown key '{}'{}", key, hint));
  }
}

std::string ConfigNode::scalar_or_fail(std::string_view expected) const {
  if (!node_.IsScalar()) fail(fmt::format("expected {}, got {}", expected, describe(node_)));
  return node_.Scalar();
}

std::string ConfigNode::as_string() const {
  return scalar_or_fail("a string");
}

double ConfigNode::as_number() const {
  std::string text = scalar_or_fail("a number");
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    fail(fmt::format("expected a number, got \"{}\"", text));
  return value;
}

int64_t ConfigNode::as_integer(int64_t min, int64_t max) const {
  std::string text = scalar_or_fail("a whole number");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    fail(fmt::format("expected a whole number, got \"{}\"", text));
  if (value < min || value > max) fail(fmt::format("{} is out of range [{}, {}]", value, min, max));
  return value;
}

bool ConfigNode::as_bool() const {
  std::string text = scalar_or_fail("true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  fail(fmt::format("expected true or false, got \"{}\"", text));
}

Duration ConfigNode::as_duration() const {
  std::string text = scalar_or_fail("a duration");
  auto value = parse_duration(text);
  if (!value)
    fail(fmt::format("expected a duration with a unit, like 30s or 200ms, got \"{}\"", text));
  return *value;
}

uint64_t ConfigNode::as_byte_size() const {
  std::string text = scalar_or_fail("a size");
  auto value = parse_byte_size(text);
  if (!value || *value < 1 || *value > 1e18)
    fail(fmt::format("expected a positive size with a unit, like 1MiB or 64KiB, got \"{}\"", text));
  return static_cast<uint64_t>(*value);
}

double ConfigNode::as_rate_per_second(bool allow_zero) const {
  std::string text = scalar_or_fail("a rate");
  auto value = parse_rate_per_second(text, allow_zero);
  if (!value)
    fail(fmt::format("expected a {} rate with a unit, like 200/s, got \"{}\"",
                     allow_zero ? "non-negative" : "positive", text));
  return *value;
}

bool ConfigNode::is_list() const {
  return node_.IsSequence();
}

std::vector<ConfigNode> ConfigNode::as_list() const {
  if (node_.IsScalar()) return {*this};
  if (!node_.IsSequence()) fail(fmt::format("expected a list, got {}", describe(node_)));
  std::vector<ConfigNode> items;
  for (size_t i = 0; i < node_.size(); ++i) items.push_back(child(std::to_string(i), node_[i]));
  return items;
}

YAML::Node parse_yaml_text(const std::string& text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) throw ConfigError(fmt::format("{}: the file is empty", file));
    return root;
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: malformed YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
}

}  // namespace loadgate
