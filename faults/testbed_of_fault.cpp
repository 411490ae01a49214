#include "faults/testbed_of_fault.h"

#include <fmt/format.h>

#include "faults/fault.h"

namespace loadgate {

testbed::TestbedState testbed_of_fault(const std::filesystem::path& dir) {
  auto state = testbed::read_state(dir);
  if (!state) throw FaultError(fmt::format("no testbed in {}", dir.string()));
  return *state;
}

}  // namespace loadgate
