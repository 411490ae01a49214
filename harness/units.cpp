#include "harness/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace loadgate {
namespace {

// Reads a non-negative decimal number at the front of `text` and advances past it.
std::optional<double> take_number(std::string_view& text) {
  size_t n = 0;
  while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.'))
    ++n;
  if (n == 0) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + n, value);
  if (ec != std::errc{} || end != text.data() + n) return std::nullopt;
  text.remove_prefix(n);
  return value;
}

std::optional<double> unit_in_seconds(std::string_view unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us" || unit == "µs") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  if (unit == "m" || unit == "min") return 60.0;
  if (unit == "h") return 3600.0;
  return std::nullopt;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  while (!text.empty()) {
    auto number = take_number(text);
    if (!number) return std::nullopt;
    size_t n = 0;
    while (n < text.size() && !std::isdigit(static_cast<unsigned char>(text[n])) && text[n] != '.')
      ++n;
    auto unit = unit_in_seconds(text.substr(0, n));
    if (!unit) return std::nullopt;
    text.remove_prefix(n);
    seconds += *number * *unit;
  }
  if (!std::isfinite(seconds) || seconds > 1e9) return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

std::optional<double> parse_rate_per_second(std::string_view text, bool allow_zero) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view count_text = text.substr(0, slash);
  auto count = take_number(count_text);
  if (!count || !count_text.empty() || *count < 0 || (*count == 0 && !allow_zero))
    return std::nullopt;
  auto unit = unit_in_seconds(text.substr(slash + 1));
  if (!unit || *unit < 1.0) return std::nullopt;  // "5/ms" is not a rate anyone means
  return *count / *unit;
}

std::string format_duration(Duration d) {
  double ns = static_cast<double>(d.count());
  if (ns == 0) return "0s";
  if (ns < 1e3) return fmt::format("{:.0f}ns", ns);
  if (ns < 1e6) return fmt::format("{:.3g}us", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.3g}ms", ns / 1e6);
  if (ns < 100e9) return fmt::format("{:.3g}s", ns / 1e9);
  // Minutes and hours as a scenario writes them: 10m30s, 1h5m, not 630s or 3.9e+03s.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  std::string text;
  if (seconds >= 3600) text += fmt::format("{}h", seconds / 3600);
  if (seconds % 3600 >= 60) text += fmt::format("{}m", seconds % 3600 / 60);
  if (seconds % 60) text += fmt::format("{}s", seconds % 60);
  return text;
}

std::optional<double> parse_byte_size(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"KB", 1e3},     {"MB", 1e6},        {"GB", 1e9},           {"TB", 1e12},
      {"B", 1.0}};
  for (const auto& [unit, factor] : kUnits) {
    if (!text.ends_with(unit)) continue;
    std::string_view number = text.substr(0, text.size() - unit.size());
    while (!number.empty() && number.front() == ' ') number.remove_prefix(1);
    while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc{} && end == number.data() + number.size() && !number.empty())
      return value * factor;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace loadgate
