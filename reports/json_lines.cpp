#include "reports/json_lines.h"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace loadgate {

JsonLinesWriter::JsonLinesWriter(const std::filesystem::path& file) : file_(file) {
  std::filesystem::create_directories(file.parent_path());
  out_.open(file, std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

void JsonLinesWriter::write(const nlohmann::json& line) {
  out_ << line.dump() << '\n';
  out_.flush();
}

bool read_json_lines(const std::filesystem::path& file,
                     const std::function<void(const nlohmann::json&)>& each) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      each(nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      if (in.peek() == std::char_traits<char>::eof()) break;
      throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    }
  }
  return true;
}

}  // namespace loadgate
