#include "harness/text_file.h"

#include <fstream>
#include <sstream>

namespace loadgate {

std::optional<std::string> read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace loadgate
