#include "harness/load_profile.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/rate_schedule.h"

namespace loadgate {
namespace {

Duration from_seconds(double s) {
  return Duration(static_cast<int64_t>(std::llround(s * 1e9)));
}

}  // namespace

LoadProfile LoadProfile::constant(double level) {
  return LoadProfile(level, {});
}

LoadProfile::LoadProfile(double start, std::vector<Stage> stages) {
  double t = 0, level = start, area = 0;
  for (const auto& stage : stages) {
    const double t1 = t + seconds(stage.duration);
    if (t1 <= t) {  // a zero-length stage jumps to its target
      level = stage.target;
      continue;
    }
    segments_.push_back({t, t1, level, stage.target, area});
    area += (level + stage.target) / 2 * (t1 - t);
    t = t1;
    level = stage.target;
  }
  segments_.push_back({t, std::numeric_limits<double>::infinity(), level, level, area});
}

double LoadProfile::level_at(Duration at) const {
  const double t = seconds(at);
  for (const auto& s : segments_) {
    if (t < s.t1) {
      if (std::isinf(s.t1) || t <= s.t0) return s.l0;
      return s.l0 + (s.l1 - s.l0) * (t - s.t0) / (s.t1 - s.t0);
    }
  }
  return segments_.back().l1;
}

double LoadProfile::integral_to(Duration at) const {
  const double t = seconds(at);
  for (const auto& s : segments_) {
    if (t < s.t1 || std::isinf(s.t1)) {
      const double dt = std::max(0.0, t - s.t0);
      return s.area_before + s.l0 * dt +
             (std::isinf(s.t1) ? 0 : (s.l1 - s.l0) / (s.t1 - s.t0) * dt * dt / 2);
    }
  }
  return segments_.back().area_before;
}

std::optional<Duration> LoadProfile::time_of_integral(double count, Duration end) const {
  const double limit = seconds(end);
  for (const auto& s : segments_) {
    const bool tail = std::isinf(s.t1);
    const double span = tail ? 0 : s.t1 - s.t0;
    const double area = tail ? std::numeric_limits<double>::infinity() : (s.l0 + s.l1) / 2 * span;
    // An arrival exactly at a segment's end belongs to the next one (where a rate that fell to
    // zero stays zero: no arrival).
    if (!tail && count >= s.area_before + area) continue;
    const double need = count - s.area_before;
    double dt;
    const double slope = tail ? 0 : (s.l1 - s.l0) / span;
    if (std::abs(slope) < 1e-12) {
      if (s.l0 <= 0) return std::nullopt;  // a held level of zero never reaches more arrivals
      dt = need / s.l0;
    } else {
      // l0*dt + slope*dt²/2 = need, the root within the segment.
      dt = (-s.l0 + std::sqrt(std::max(0.0, s.l0 * s.l0 + 2 * slope * need))) / slope;
    }
    const double t = s.t0 + dt;
    if (t >= limit) return std::nullopt;
    return from_seconds(t);
  }
  return std::nullopt;
}

double LoadProfile::peak() const {
  double peak = 0;
  for (const auto& s : segments_) peak = std::max(peak, std::max(s.l0, s.l1));
  return peak;
}

Arrivals::Arrivals(Duration run_length, Spacing spacing, unsigned owner, unsigned owners,
                   uint64_t seed)
    : end_(run_length),
      spacing_(spacing),
      owners_(owners),
      position_(spacing == Spacing::uniform ? owner : 0),
      rng_(seed * 0x9E3779B97F4A7C15ull + owner),
      gap_(1.0 / owners) {}

Arrivals::Arrivals(const LoadProfile& rate, Duration run_length, Spacing spacing, unsigned owner,
                   unsigned owners, uint64_t seed)
    : Arrivals(run_length, spacing, owner, owners, seed) {
  rate_ = &rate;
}

Arrivals::Arrivals(const RateSchedule& rate, Duration run_length, Spacing spacing, unsigned owner,
                   unsigned owners, uint64_t seed)
    : Arrivals(run_length, spacing, owner, owners, seed) {
  schedule_ = &rate;
}

std::optional<Duration> Arrivals::next() {
  double at;
  if (spacing_ == Spacing::uniform) {
    at = position_;
    position_ += owners_;
  } else {
    position_ += gap_(rng_);
    at = position_;
  }
  if (schedule_) return next_scheduled(at);
  return rate_->time_of_integral(at, end_);
}

// `position` counts expected arrivals from the start, as for a profile; only the gap since the
// last one is spent here, at the rates published so far.
std::optional<Duration> Arrivals::next_scheduled(double position) {
  double gap = position - spent_;
  spent_ = position;
  double t = at_;
  for (;;) {
    const double rate = schedule_->rate_at(from_seconds(t));
    const auto change = schedule_->next_change_after(from_seconds(t));
    const double until = change ? seconds(*change) : std::numeric_limits<double>::infinity();
    if (rate > 0 && t + gap / rate <= until) {
      t += gap / rate;
      break;
    }
    if (!change) return std::nullopt;  // no rate from here on
    gap -= rate * (until - t);
    t = until;
  }
  at_ = t;
  const auto ended = schedule_->ended_at();
  if (t >= seconds(end_) || (ended && t >= seconds(*ended))) return std::nullopt;
  return from_seconds(t);
}

double LoadProfile::mean_level(Duration from, Duration length) const {
  const double seconds = std::chrono::duration<double>(length).count();
  return seconds > 0 ? (integral_to(from + length) - integral_to(from)) / seconds : 0;
}

}  // namespace loadgate
