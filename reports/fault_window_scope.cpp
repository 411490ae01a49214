#include "reports/fault_window_scope.h"

#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {

FaultWindowScope parse_window_scope(std::string_view text) {
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
  return scope;
}

}  // namespace loadgate
