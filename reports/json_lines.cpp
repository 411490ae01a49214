#include "reports/json_lines.h"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace loadgate {

bool read_json_lines(const std::filesystem::path& file,
                     const std::function<void(const nlohmann::json&)>& each) {
  // Only a regular file: its lines are bounded by its size (a device may never end).
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(file, ignored)) return false;
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      if (in.peek() == std::char_traits<char>::eof()) break;  // cut short mid-write
      throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    }
    try {
      each(object);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    }
  }
  return true;
}

}  // namespace loadgate
