// What a claim expects of a metric: "<= 30s", ">= 50/s", "< 1%", "== 0", "between 5s and 15s".
// Values carry their kind (a duration, a rate, a share, a count), and a claim whose expectation
// is of another kind than its metric is refused: "30" where seconds were meant is worse than an
// error, as for scenarios.
#pragma once

#include <string>
#include <string_view>

namespace loadgate {

// A trend is a quantity's change per hour ("1MiB/h", "2ms/h", "0.1%/h"): a leak, a degradation.
enum class Quantity {
  count,
  duration,
  rate,
  share,
  bytes,
  count_per_hour,
  duration_per_hour,
  share_per_hour,
  bytes_per_hour
};
const char* quantity_name(Quantity q);
// The change per hour of `q` (count, duration, share or bytes; anything else is returned as is).
Quantity per_hour(Quantity q);

// Durations in seconds, rates per second, shares from 0 to 1, sizes in bytes.
struct Value {
  double amount = 0;
  Quantity quantity = Quantity::count;
};
// "30s", "250ms", "50/s", "1%", "512MiB", "62", "1MiB/h": throws std::invalid_argument naming the
// text otherwise.
Value parse_value(std::string_view text);
// A share of at least 0 ("10%", "0.5%") given as `option` (--min-effect): its amount from 0 to
// 1; throws std::invalid_argument naming the option and the text otherwise.
double parse_share(std::string_view option, std::string_view text);
// "1.50s", "50.0/s", "0.40%", "62": how reports show a value.
std::string format_value(double amount, Quantity quantity);

struct Expectation {
  enum class Op { lt, le, gt, ge, eq, between };
  Op op = Op::ge;
  Value bound, upper;  // upper: `between` only
  std::string text;    // as written

  bool holds(double measured) const;
  Quantity quantity() const { return bound.quantity; }
  // A lower bound (>=, >, between): what a capacity claim asks the run to offer at least.
  bool is_lower_bound() const { return op == Op::ge || op == Op::gt || op == Op::between; }
};
// Throws std::invalid_argument with the reason.
Expectation parse_expectation(std::string_view text);

}  // namespace loadgate
