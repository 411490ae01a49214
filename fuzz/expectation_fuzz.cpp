// What a claim expects ("<= 30s", "between 5s and 15s", "< 1MiB/h"), and a value alone; an
// expectation that parses must render and judge without fault.
#include <cmath>
#include <exception>

#include "fuzz/fuzz_input.h"
#include "harness/expectation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  const auto text = fuzz::as_text(data, size);
  try {
    const Expectation e = parse_expectation(text);
    (void)e.holds(e.bound.amount);
    (void)format_value(e.bound.amount, e.quantity());
  } catch (const std::exception&) {
  }
  try {
    const Value v = parse_value(text);
    (void)format_value(v.amount, v.quantity);
  } catch (const std::exception&) {
  }
  return 0;
}
