#include "reports/json_lines.h"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace loadgate {

JsonLinesReader::JsonLinesReader(const std::filesystem::path& file) : file_(file) {
  // Only a regular file: its lines are bounded by its size (a device may never end).
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(file, ignored)) return;
  in_.open(file);
  opened_ = static_cast<bool>(in_);
}

bool JsonLinesReader::next(nlohmann::json& object) {
  if (!opened_) return false;
  std::string line;
  while (std::getline(in_, line)) {
    ++number_;
    if (line.empty()) continue;
    try {
      object = nlohmann::json::parse(line);
      return true;
    } catch (const nlohmann::json::parse_error& e) {
      if (in_.peek() == std::char_traits<char>::eof()) return false;  // cut short mid-write
      throw std::runtime_error(fmt::format("{}: {}", where(), e.what()));
    }
  }
  return false;
}

std::string JsonLinesReader::where() const {
  return fmt::format("{}:{}", file_.string(), number_);
}

bool read_json_lines(const std::filesystem::path& file,
                     const std::function<void(const nlohmann::json&)>& each) {
  JsonLinesReader reader(file);
  if (!reader.opened()) return false;
  nlohmann::json object;
  while (reader.next(object)) {
    try {
      each(object);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}", reader.where(), e.what()));
    }
  }
  return true;
}

}  // namespace loadgate
