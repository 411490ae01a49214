#include "harness/rate_schedule.h"

namespace loadgate {

RateSchedule::RateSchedule(double first_rate) {
  steps_[0] = {Duration{}, first_rate};
  count_.store(1, std::memory_order_release);
}

void RateSchedule::set(Duration from, double rate) {
  const size_t n = count_.load(std::memory_order_relaxed);
  if (n == kMaxSteps) return;
  steps_[n] = {from, rate};
  count_.store(n + 1, std::memory_order_release);
}

void RateSchedule::end(Duration at) {
  end_.store(at.count(), std::memory_order_release);
}

double RateSchedule::rate_at(Duration t) const {
  // Readers ask for times close to the newest step: scan from it back.
  for (size_t i = count_.load(std::memory_order_acquire); i-- > 0;)
    if (steps_[i].from <= t) return steps_[i].rate;
  return steps_[0].rate;
}

std::optional<Duration> RateSchedule::next_change_after(Duration t) const {
  const size_t n = count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i)
    if (steps_[i].from > t) return steps_[i].from;
  return std::nullopt;
}

std::optional<Duration> RateSchedule::ended_at() const {
  const Duration at{end_.load(std::memory_order_acquire)};
  if (at == Duration::max()) return std::nullopt;
  return at;
}

}  // namespace loadgate
