// Request templates: "{{name}}" placeholders in a path or body, filled per request. Parsed once
// (off the clock), rendered with appends only. Values are JSON-escaped when the template is a
// JSON body, so a user name with a quote cannot break the document.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loadgate {

class TextTemplate {
 public:
  enum class Escape { none, json };
  // Throws std::invalid_argument naming the problem (an unclosed "{{", an empty name, or a name
  // not in `allowed`).
  TextTemplate(std::string_view text, const std::vector<std::string>& allowed,
               Escape escape = Escape::none);

  // `values` holds one value per allowed name, in the order `allowed` listed them.
  std::string render(const std::vector<std::string_view>& values) const;
  bool uses(std::string_view name) const;

 private:
  struct Piece {
    std::string literal;
    int slot = -1;  // index into the values, or -1 for a literal
  };
  std::vector<Piece> pieces_;
  std::vector<std::string> names_;
  Escape escape_;
};

void append_json_escaped(std::string& out, std::string_view value);

}  // namespace loadgate
