// The scenario parser, with --set overrides: the YAML, then optionally "\n--set\n" and one
// path=value per line. Every malformed input must end as an exception naming what is wrong.
#include <exception>

#include "fuzz/fuzz_input.h"
#include "harness/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto parts = fuzz::split(fuzz::as_text(data, size), "\n--set\n");
  std::vector<std::string> overrides;
  if (parts.size() > 1)
    for (auto line : fuzz::split(parts[1], "\n")) overrides.emplace_back(line);
  try {
    parse_scenario(std::string(parts[0]), "fuzz.yaml", overrides);
  } catch (const std::exception&) {
  }
  return 0;
}
