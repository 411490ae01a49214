#include "reports/fault_window_scope.h"

#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {

FaultWindowScope parse_window_scope(std::string_view text, std::optional<Duration> settle) {
  FaultWindowScope scope;
  scope.text = std::string(text);
  const size_t space = text.find(' ');
  const std::string_view part = text.substr(0, space);
  if (space == std::string_view::npos || (part != "before" && part != "during" && part != "after"))
    throw std::invalid_argument(fmt::format(
        "\"{}\": write before, during or after and a fault kind, e.g. \"during failover\"", text));
  scope.part = part == "before"   ? FaultWindowScope::Part::before
               : part == "during" ? FaultWindowScope::Part::during
                                  : FaultWindowScope::Part::after;
  scope.kind = std::string(text.substr(space + 1));
  if (settle && scope.part != FaultWindowScope::Part::after)
    throw std::invalid_argument(fmt::format(
        "settle is the time after a fault's recovery before its \"after\" window starts; \"{}\" "
        "has none",
        text));
  if (settle && *settle < Duration::zero())
    throw std::invalid_argument("settle: expected a duration of 0s or more");
  scope.settle = settle;
  return scope;
}

}  // namespace loadgate
