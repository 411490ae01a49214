// The arithmetic of a model claim: "pgbouncer_instances * default_pool_size + reserved",
// "ceil(users * peak_share / workers_per_instance)", "min(50, max_connections /
// service_instances)". Numbers, named numbers, + - * /, parentheses, and min, max, ceil, floor.
// Nothing else: a claims file is data, never code.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadgate {

class ModelExpression {
 public:
  // Throws std::invalid_argument naming the position and what was expected.
  explicit ModelExpression(std::string_view text);

  // The names it uses, in order of first use.
  const std::vector<std::string>& names() const { return names_; }
  // Evaluates with `lookup` giving each name's value. Throws std::invalid_argument on a division
  // by zero or a name lookup does not know.
  double evaluate(const std::function<std::optional<double>(const std::string&)>& lookup) const;

 private:
  std::string text_;
  std::vector<std::string> names_;
};

}  // namespace loadgate
