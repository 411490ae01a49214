#include "harness/results.h"

#include <algorithm>

namespace loadgate {
namespace {

// What a stretch adds of another stretch or of an interval: the counts and the histograms, which
// both hold under the same names.
template <typename Part>
void add_counts(WorkloadResult& into, const Part& part) {
  into.scheduled += part.scheduled;
  into.dropped += part.dropped;
  into.ok += part.ok;
  into.expected_failures += part.expected_failures;
  for (const auto& [error_class, count] : part.errors) into.errors[error_class] += count;
  into.latency.merge(part.latency);
  into.service_time.merge(part.service_time);
  into.schedule_lag.merge(part.schedule_lag);
  into.error_latency.merge(part.error_latency);
}

}  // namespace

uint64_t WorkloadResult::error_count() const {
  return total_errors(errors);
}

void WorkloadResult::add(const WorkloadInterval& interval) {
  add_counts(*this, interval);
  peak_vus = std::max(peak_vus, interval.vus);
  peak_in_flight = std::max(peak_in_flight, interval.in_flight);
}

void WorkloadResult::merge(const WorkloadResult& other) {
  add_counts(*this, other);
  peak_vus = std::max(peak_vus, other.peak_vus);
  peak_in_flight = std::max(peak_in_flight, other.peak_in_flight);
}

WorkloadResult WorkloadResult::planned() const {
  WorkloadResult empty;
  empty.name = name;
  empty.kind = kind;
  empty.executor = executor;
  empty.offered_rate = offered_rate;
  return empty;
}

std::optional<double> ObservedPeaks::max(const std::string& gauge) const {
  if (auto it = highest.find(gauge); it != highest.end()) return it->second;
  return std::nullopt;
}

void ObservedPeaks::add(const ObservedSample& sample) {
  ++samples;
  for (const auto& [gauge, value] : sample.gauges) {
    if (auto [it, inserted] = highest.emplace(gauge, value); !inserted)
      it->second = std::max(it->second, value);
    if (auto [it, inserted] = lowest.emplace(gauge, value); !inserted)
      it->second = std::min(it->second, value);
    if (first.emplace(gauge, value).second) first_at[gauge] = sample.at;
    rise[gauge] = highest[gauge] - first[gauge];
    if (value > first[gauge] && !rose_after.contains(gauge))
      rose_after[gauge] = sample.at - first_at[gauge];
    trend[gauge].add(hours(sample.at), value);
  }
}

void ObservedPeaks::merge(const ObservedPeaks& other) {
  samples += other.samples;
  for (const auto& [gauge, value] : other.highest)
    if (auto [it, inserted] = highest.emplace(gauge, value); !inserted)
      it->second = std::max(it->second, value);
  for (const auto& [gauge, value] : other.lowest)
    if (auto [it, inserted] = lowest.emplace(gauge, value); !inserted)
      it->second = std::min(it->second, value);
  for (const auto& [gauge, value] : other.first) {
    const bool ours = first.contains(gauge);
    if (ours && !rose_after.contains(gauge)) stayed_flat.insert(gauge);
    if (!other.rose_after.contains(gauge)) stayed_flat.insert(gauge);
    if (!ours) {
      first[gauge] = value;
      first_at[gauge] = other.first_at.at(gauge);
    }
  }
  stayed_flat.insert(other.stayed_flat.begin(), other.stayed_flat.end());
  for (const auto& [gauge, value] : other.rise)
    if (auto [it, inserted] = rise.emplace(gauge, value); !inserted)
      it->second = std::min(it->second, value);
  for (const auto& [gauge, after] : other.rose_after)
    if (auto [it, inserted] = rose_after.emplace(gauge, after); !inserted)
      it->second = std::max(it->second, after);
  for (const auto& [gauge, line] : other.trend) trend[gauge].merge(line);
}

std::string FaultWindowScope::label() const {
  return settle ? text + ", settle " + format_duration(*settle) : text;
}

std::vector<FaultWindow> fault_windows(const std::vector<FaultEvent>& events, Duration run_end) {
  std::vector<FaultWindow> windows;
  for (size_t e = 0; e < events.size(); ++e) {
    if (!events[e].injected) continue;
    FaultWindow w{e, events[e].started_at, std::max(events[e].recovered_at, events[e].injected_at),
                  run_end};
    // A failed injection did nothing to end the window before it.
    for (size_t next = e + 1; next < events.size(); ++next)
      if (events[next].injected) {
        w.end = events[next].started_at;
        break;
      }
    windows.push_back(w);
  }
  return windows;
}

Duration RunResult::measured_duration(const PhaseResult& phase) const {
  if (!interrupted && stopped_by.empty()) return phase.duration;
  return std::clamp(elapsed - phase.start, Duration::zero(), phase.duration);
}

Duration RunResult::measured_duration() const {
  if (!interrupted && stopped_by.empty()) return recorded_duration;
  Duration measured{};
  for (const auto& phase : phases)
    if (phase.recorded) measured += measured_duration(phase);
  return measured;
}

const char* status_name(ClaimVerdict::Status status) {
  switch (status) {
    case ClaimVerdict::Status::held:
      return "held";
    case ClaimVerdict::Status::broken:
      return "broken";
    case ClaimVerdict::Status::not_measured:
      return "not measured";
  }
  return "?";
}

}  // namespace loadgate
