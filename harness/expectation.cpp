#include "harness/expectation.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/units.h"

namespace loadgate {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::optional<double> plain_number(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

const char* quantity_name(Quantity q) {
  switch (q) {
    case Quantity::count:
      return "a count";
    case Quantity::duration:
      return "a duration";
    case Quantity::rate:
      return "a rate";
    case Quantity::share:
      return "a share";
    case Quantity::bytes:
      return "a size";
    case Quantity::count_per_hour:
      return "a count's change per hour";
    case Quantity::duration_per_hour:
      return "a duration's change per hour";
    case Quantity::share_per_hour:
      return "a share's change per hour";
    case Quantity::bytes_per_hour:
      return "a size's change per hour";
  }
  return "?";
}

Quantity per_hour(Quantity q) {
  switch (q) {
    case Quantity::count:
      return Quantity::count_per_hour;
    case Quantity::duration:
      return Quantity::duration_per_hour;
    case Quantity::share:
      return Quantity::share_per_hour;
    case Quantity::bytes:
      return Quantity::bytes_per_hour;
    default:
      return q;
  }
}

Value parse_value(std::string_view text) {
  text = trimmed(text);
  if (!text.empty() && text.back() == '%') {
    if (auto n = plain_number(trimmed(text.substr(0, text.size() - 1))))
      return {*n / 100, Quantity::share};
  } else if (text.find('/') != std::string_view::npos) {
    if (auto rate = parse_rate_per_second(text, /*allow_zero=*/true))
      return {*rate, Quantity::rate};
    // A trend: "1MiB/h", "2ms/h", "0.5%/h" (a rate of change, not of requests).
    const size_t slash = text.rfind('/');
    const std::string_view per = trimmed(text.substr(slash + 1));
    if (per == "h" || per == "hour") {
      const std::string_view of = trimmed(text.substr(0, slash));
      if (!of.empty() && of.find('/') == std::string_view::npos) {
        std::optional<Value> base;
        try {
          base = parse_value(of);
        } catch (const std::invalid_argument&) {  // said below, of the whole text
        }
        if (base && base->quantity != Quantity::rate)
          return {base->amount, per_hour(base->quantity)};
      }
    }
  } else if (auto n = plain_number(text)) {
    return {*n, Quantity::count};
  } else if (auto d = parse_duration(text)) {
    return {std::chrono::duration<double>(*d).count(), Quantity::duration};
  } else if (auto bytes = parse_byte_size(text)) {
    return {*bytes, Quantity::bytes};
  }
  throw std::invalid_argument(fmt::format(
      "\"{}\" is not a value: write a duration (30s, 250ms), a rate (50/s), a share (1%), a "
      "size (512MiB), a count (62) or a change per hour (1MiB/h, 2ms/h)",
      text));
}

double parse_share(std::string_view option, std::string_view text) {
  std::optional<Value> value;
  try {
    value = parse_value(text);
  } catch (const std::invalid_argument&) {
  }
  if (!value || value->quantity != Quantity::share || value->amount < 0)
    throw std::invalid_argument(fmt::format("{} {}: expected a share, such as 10%", option, text));
  return value->amount;
}

std::string format_value(double amount, Quantity quantity) {
  switch (quantity) {
    case Quantity::duration:
      return amount < 1 ? fmt::format("{:.1f}ms", amount * 1000) : fmt::format("{:.2f}s", amount);
    case Quantity::rate:
      return fmt::format("{:.1f}/s", amount);
    case Quantity::share:
      return fmt::format("{:.2f}%", amount * 100);
    case Quantity::count:
      return fmt::format("{:g}", amount);
    case Quantity::bytes:
      return amount >= 1073741824.0 ? fmt::format("{:.2f}GiB", amount / 1073741824.0)
                                    : fmt::format("{:.1f}MiB", amount / 1048576.0);
    case Quantity::count_per_hour:
      return fmt::format("{:+g}/h", amount);
    case Quantity::duration_per_hour:
      return fmt::format("{:+.2f}ms/h", amount * 1000);
    case Quantity::share_per_hour:
      return fmt::format("{:+.3f}%/h", amount * 100);
    case Quantity::bytes_per_hour:
      return fmt::format("{:+.2f}MiB/h", amount / 1048576.0);
  }
  return "?";
}

bool Expectation::holds(double measured) const {
  switch (op) {
    case Op::lt:
      return measured < bound.amount;
    case Op::le:
      return measured <= bound.amount;
    case Op::gt:
      return measured > bound.amount;
    case Op::ge:
      return measured >= bound.amount;
    case Op::eq:  // computed values (1750 / 5000) are equal within rounding, not bit for bit
      return std::abs(measured - bound.amount) <= 1e-9 * std::max(1.0, std::abs(bound.amount));
    case Op::between:
      return measured >= bound.amount && measured <= upper.amount;
  }
  return false;
}

Expectation parse_expectation(std::string_view text) {
  Expectation e;
  e.text = std::string(trimmed(text));
  std::string_view rest = e.text;
  if (rest.rfind("between ", 0) == 0) {
    rest.remove_prefix(8);
    const auto and_at = rest.find(" and ");
    if (and_at == std::string_view::npos)
      throw std::invalid_argument(fmt::format("\"{}\": write between LOW and HIGH", e.text));
    e.op = Expectation::Op::between;
    e.bound = parse_value(rest.substr(0, and_at));
    e.upper = parse_value(rest.substr(and_at + 5));
    if (e.bound.quantity != e.upper.quantity)
      throw std::invalid_argument(
          fmt::format("\"{}\": both ends must be {}", e.text, quantity_name(e.bound.quantity)));
    if (e.upper.amount < e.bound.amount)
      throw std::invalid_argument(fmt::format("\"{}\": the low end is above the high end", e.text));
    return e;
  }
  static constexpr std::pair<std::string_view, Expectation::Op> kOps[] = {
      {"<=", Expectation::Op::le},
      {">=", Expectation::Op::ge},
      {"==", Expectation::Op::eq},
      {"<", Expectation::Op::lt},
      {">", Expectation::Op::gt}};
  for (const auto& [symbol, op] : kOps)
    if (rest.rfind(symbol, 0) == 0) {
      e.op = op;
      e.bound = parse_value(rest.substr(symbol.size()));
      return e;
    }
  throw std::invalid_argument(fmt::format(
      "\"{}\" is not an expectation: write <= 30s, >= 50/s, < 1%, == 0 or between 5s and 15s",
      e.text));
}

}  // namespace loadgate
