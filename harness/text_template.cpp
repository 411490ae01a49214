#include "harness/text_template.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {

void append_json_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
}

TextTemplate::TextTemplate(std::string_view text, const std::vector<std::string>& allowed,
                           Escape escape)
    : names_(allowed), escape_(escape) {
  while (!text.empty()) {
    const auto open = text.find("{{");
    if (open == std::string_view::npos) {
      pieces_.push_back({std::string(text), -1});
      break;
    }
    if (open > 0) pieces_.push_back({std::string(text.substr(0, open)), -1});
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      throw std::invalid_argument(fmt::format("unclosed {{{{ in \"{}\"", text));
    std::string name(text.substr(open + 2, close - open - 2));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    auto found = std::find(allowed.begin(), allowed.end(), name);
    if (found == allowed.end())
      throw std::invalid_argument(fmt::format("unknown placeholder {{{{{}}}}} (available: {})",
                                              name, fmt::join(allowed, ", ")));
    pieces_.push_back({"", static_cast<int>(found - allowed.begin())});
    text.remove_prefix(close + 2);
  }
}

std::string TextTemplate::render(const std::vector<std::string_view>& values) const {
  std::string out;
  for (const auto& piece : pieces_) {
    if (piece.slot < 0) {
      out += piece.literal;
    } else if (escape_ == Escape::json) {
      append_json_escaped(out, values.at(static_cast<size_t>(piece.slot)));
    } else {
      out += values.at(static_cast<size_t>(piece.slot));
    }
  }
  return out;
}

bool TextTemplate::uses(std::string_view name) const {
  for (const auto& piece : pieces_)
    if (piece.slot >= 0 && names_[static_cast<size_t>(piece.slot)] == name) return true;
  return false;
}

}  // namespace loadgate
