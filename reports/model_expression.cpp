#include "reports/model_expression.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {
namespace {

// A recursive-descent evaluator; with `lookup` empty it only checks the syntax and collects
// the names.
class Parser {
 public:
  using Lookup = std::function<std::optional<double>(const std::string&)>;
  Parser(std::string_view text, const Lookup* lookup, std::vector<std::string>* names)
      : text_(text), lookup_(lookup), names_(names) {}

  double parse() {
    const double value = sum();
    skip_space();
    if (pos_ != text_.size()) fail("an operator or the end");
    return value;
  }

 private:
  [[noreturn]] void fail(std::string_view expected) const {
    throw std::invalid_argument(
        fmt::format("'{}': expected {} at column {}", text_, expected, pos_ + 1));
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  double sum() {
    double value = product();
    for (;;) {
      if (accept('+'))
        value += product();
      else if (accept('-'))
        value -= product();
      else
        return value;
    }
  }
  double product() {
    double value = unary();
    for (;;) {
      if (accept('*')) {
        value *= unary();
      } else if (accept('/')) {
        const double divisor = unary();
        if (lookup_ && divisor == 0)
          throw std::invalid_argument(fmt::format("'{}': a division by zero", text_));
        value = lookup_ ? value / divisor : 0;
      } else {
        return value;
      }
    }
  }
  double unary() {
    if (accept('-')) return -unary();
    return primary();
  }
  double primary() {
    skip_space();
    if (accept('(')) {
      const double value = sum();
      if (!accept(')')) fail("')'");
      return value;
    }
    if (pos_ < text_.size() &&
        (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
      double value = 0;
      auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
      if (ec != std::errc{}) fail("a number");
      pos_ = static_cast<size_t>(end - text_.data());
      return value;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    if (start == pos_) fail("a number, a name or '('");
    const std::string name(text_.substr(start, pos_ - start));
    if (accept('(')) return call(name);
    if (names_ && std::find(names_->begin(), names_->end(), name) == names_->end())
      names_->push_back(name);
    if (!lookup_) return 0;
    const auto value = (*lookup_)(name);
    if (!value) throw std::invalid_argument(fmt::format("no value for '{}'", name));
    return *value;
  }
  double call(const std::string& function) {
    std::vector<double> args{sum()};
    while (accept(',')) args.push_back(sum());
    if (!accept(')')) fail("',' or ')'");
    const size_t wanted = function == "min" || function == "max" ? 2 : 1;
    if ((function != "min" && function != "max" && function != "ceil" && function != "floor"))
      throw std::invalid_argument(
          fmt::format("'{}': no function {}(): min, max, ceil, floor", text_, function));
    if (args.size() != wanted)
      throw std::invalid_argument(
          fmt::format("'{}': {}() takes {} argument(s)", text_, function, wanted));
    if (function == "min") return std::min(args[0], args[1]);
    if (function == "max") return std::max(args[0], args[1]);
    if (function == "ceil") return std::ceil(args[0]);
    return std::floor(args[0]);
  }

  std::string_view text_;
  size_t pos_ = 0;
  const Lookup* lookup_;
  std::vector<std::string>* names_;
};

}  // namespace

ModelExpression::ModelExpression(std::string_view text) : text_(text) {
  Parser(text_, nullptr, &names_).parse();
}

double ModelExpression::evaluate(
    const std::function<std::optional<double>(const std::string&)>& lookup) const {
  return Parser(text_, &lookup, nullptr).parse();
}

}  // namespace loadgate
