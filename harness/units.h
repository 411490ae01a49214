// Parsing of the units a scenario writes out: durations ("30s", "200ms", "1m30s"), rates
// ("200/s", "5/m") and sizes ("1MiB"). A bare number is rejected on purpose: "30" could mean
// seconds or milliseconds, and a capacity claim read with the wrong unit is worse than an error.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace loadgate {

using Duration = std::chrono::nanoseconds;

// Returns nullopt when `text` is not a duration with units (ns, us, ms, s, m, h), possibly
// compound ("1m30s"). Negative durations are not durations.
std::optional<Duration> parse_duration(std::string_view text);

// Requests per second from "<number>/<unit>" with unit s, m (or min), h. Nullopt otherwise,
// or when the rate is not positive (zero is allowed with `allow_zero`, for ramp starts).
std::optional<double> parse_rate_per_second(std::string_view text, bool allow_zero = false);

// Bytes from "512MiB", "2GB", "300 KB" (binary or decimal multiples, B for plain bytes); nullopt
// when `text` is not a number followed by one of those units.
std::optional<double> parse_byte_size(std::string_view text);

// A duration as a number, for arithmetic and JSON.
inline double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}
inline double hours(Duration d) {
  return std::chrono::duration<double, std::ratio<3600>>(d).count();
}

// "1.5s", "250ms", "12us": the shortest readable form, for reports.
std::string format_duration(Duration d);

}  // namespace loadgate
