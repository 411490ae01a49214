#include "observe/probe_sampler.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {
namespace {

// A flapping probe over a soak: beyond this, changes are counted, not kept.
constexpr size_t kMaxChanges = 100'000;

}  // namespace

ProbeSampler::ProbeSampler(ProbeSettings settings, const std::filesystem::path& file,
                           TlsContext* tls)
    : settings_(std::move(settings)), tls_(tls), file_(file), counts_(settings_.probes.size()) {}

ProbeSampler::~ProbeSampler() {
  stop();
}

void ProbeSampler::start(Clock::time_point start) {
  start_ = start;
  for (size_t i = 0; i < settings_.probes.size(); ++i)
    threads_.emplace_back([this, i](std::stop_token stop) { run(i, stop); });
}

void ProbeSampler::fault_started() {
  {
    std::lock_guard lock(mutex_);
    ++faults_in_;
    ++wakes_;
  }
  wake_.notify_all();
}

void ProbeSampler::fault_recovered() {
  std::lock_guard lock(mutex_);
  faults_in_ = std::max(0, faults_in_ - 1);
  calm_at_ = Clock::now() + kCalm;
}

void ProbeSampler::stop() {
  for (auto& thread : threads_) thread.request_stop();
  wake_.notify_all();
  threads_.clear();  // joins
}

bool ProbeSampler::fast() const {
  return faults_in_ > 0 || down_ > 0 || Clock::now() < calm_at_;
}

std::vector<std::string> ProbeSampler::warnings() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> warnings;
  if (changes_dropped_ > 0)
    warnings.push_back(
        fmt::format("probes: {} changes beyond the first {} were not kept (a flapping layer)",
                    changes_dropped_, kMaxChanges));
  if (gaps_ > 0)
    warnings.push_back(fmt::format(
        "probes: {} tries could not be made, gaps in probes.jsonl (first: {})", gaps_, first_gap_));
  if (!file_failure_.empty()) warnings.push_back("probes: " + file_failure_);
  return warnings;
}

void ProbeSampler::record(ProbeChange change) {
  // With mutex_ held.
  if (change.up)
    --down_;
  else
    ++down_;
  nlohmann::json line = {{"at_s", std::chrono::duration<double>(change.at).count()},
                         {"probe", settings_.probes[change.probe].name},
                         {"up", change.up}};
  if (!change.up) line["reason"] = change.reason;
  if (file_failure_.empty()) {
    try {
      file_.write_line(line.dump());
    } catch (const std::exception& e) {  // the probes go on; the run says the file is short
      file_failure_ = e.what();
    }
  }
  if (changes_.size() < kMaxChanges)
    changes_.push_back(std::move(change));
  else
    ++changes_dropped_;
}

void ProbeSampler::run(size_t probe, std::stop_token stop) {
  const ProbeSpec& spec = settings_.probes[probe];
  bool up = true;
  while (!stop.stop_requested()) {
    const Clock::time_point at = Clock::now();
    std::optional<std::string> problem;
    std::string gap;
    try {
      problem = probe_once(spec, settings_.timeout, tls_);
    } catch (const std::exception& e) {  // a gap in its record, not an outage of its layer
      gap = e.what();
    }
    std::unique_lock lock(mutex_);
    if (!gap.empty()) {
      if (gaps_++ == 0) first_gap_ = fmt::format("{}: {}", spec.name, gap);
    } else {
      ++counts_[probe].tries;
      if (problem) ++counts_[probe].failed;
      if (up == !!problem) {
        up = !problem;
        // Down from when the failed try began; back when the good one ended: a try that hung
        // on a layer coming back (a pooler's login retry) ends just as it is back, where its
        // start would be up to a timeout early.
        record({probe, (up ? Clock::now() : at) - start_, up, problem.value_or("")});
      }
    }
    const uint64_t wakes = wakes_;
    wake_.wait_until(lock, stop, at + (fast() ? settings_.every : settings_.between),
                     [&] { return wakes_ != wakes; });
  }
}

}  // namespace loadgate
