#include "faults/fault_timeline.h"

#include <system_error>

#include <fmt/format.h>

namespace loadgate {

namespace {

// Two: a follow-up waits up to 30 s for clients and 60 s for a read-back, and faults come at
// most a few a minute, so a third would rarely have work; the bound is what matters.
constexpr size_t kFollowUpThreads = 2;

}  // namespace

FaultTimeline::FollowUps::FollowUps(size_t threads) : threads_(threads) {}

FaultTimeline::FollowUps::~FollowUps() {
  {
    std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker.request_stop();
  }
  ready_.notify_all();
  workers_.clear();  // joins: each drains the queue before it ends
}

void FaultTimeline::FollowUps::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(work));
    try {
      if (workers_.size() < threads_)
        workers_.emplace_back([this](std::stop_token stop) { this->work(stop); });
    } catch (const std::system_error&) {
      // No thread to be had (a pids limit): one already running takes it, or it runs here below.
    }
    if (!workers_.empty()) {
      ready_.notify_one();
      return;
    }
    work = std::move(queue_.back());
    queue_.pop_back();
  }
  work();  // late, but not lost
}

void FaultTimeline::FollowUps::work(std::stop_token stop) {
  for (;;) {
    std::function<void()> next;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, stop, [this] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();
  }
}

FaultTimeline::FaultTimeline(std::vector<Entry> entries, Duration run_length, std::stop_token stop,
                             AfterRecovery after_recovery, FaultJournal* journal)
    : entries_(std::move(entries)),
      run_length_(run_length),
      stop_(std::move(stop)),
      after_recovery_(std::move(after_recovery)),
      journal_(journal),
      follow_ups_(std::make_unique<FollowUps>(kFollowUpThreads)) {}

FaultTimeline::~FaultTimeline() {
  finish();
}

void FaultTimeline::start(Clock::time_point start) {
  start_ = start;
  if (!entries_.empty()) thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

std::vector<FaultEvent> FaultTimeline::finish() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();  // the thread recovers what it injected before it ends
  }
  follow_ups_.reset();  // waits for every follow-up
  std::lock_guard lock(mutex_);
  return events_;
}

bool FaultTimeline::stopping(const std::stop_token& stop) const {
  return stop.stop_requested() || stop_.stop_requested();
}

bool FaultTimeline::sleep_until(Clock::time_point when, const std::stop_token& stop) const {
  // In slices, so the end of the run or a Ctrl-C is seen within 50 ms.
  while (Clock::now() < when) {
    if (stopping(stop)) return false;
    std::this_thread::sleep_for(
        std::min<Duration>(when - Clock::now(), std::chrono::milliseconds(50)));
  }
  return !stopping(stop);
}

void FaultTimeline::record(FaultEvent event, Duration window_end) {
  const bool follow_up = event.recovered && after_recovery_;
  size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    index = events_.size();
    events_.push_back(event);
  }
  if (!follow_up) return;
  auto run_follow_up = [this, index, window_end, event = std::move(event)]() mutable {
    try {
      after_recovery_(event, window_end);
    } catch (const std::exception& e) {  // a thread must not end the process: say it instead
      event.error +=
          fmt::format("{}follow-up failed: {}", event.error.empty() ? "" : "; ", e.what());
    }
    std::lock_guard lock(mutex_);
    events_[index] = std::move(event);
  };
  follow_ups_->post(std::move(run_follow_up));
}

// Every occurrence of every fault in time order. Faults that overlap in time are injected one
// after the other: each recovers before the next occurrence starts (a simple, predictable
// schedule; overlapping faults are a later refinement).
void FaultTimeline::run(std::stop_token stop) {
  struct Occurrence {
    Duration at;
    Entry* entry;
  };
  std::vector<Occurrence> schedule;
  for (auto& entry : entries_)
    for (Duration at = entry.spec.at; at < run_length_; at += entry.spec.every) {
      schedule.push_back({at, &entry});
      if (entry.spec.every <= Duration::zero()) break;
    }
  std::stable_sort(schedule.begin(), schedule.end(),
                   [](const Occurrence& a, const Occurrence& b) { return a.at < b.at; });

  for (size_t k = 0; k < schedule.size(); ++k) {
    const Occurrence& occurrence = schedule[k];
    if (!sleep_until(start_ + occurrence.at, stop)) return;
    Fault& fault = *occurrence.entry->fault;
    fault.set_stop_check([this, &stop] { return stopping(stop); });
    const Duration window_end = k + 1 < schedule.size() ? schedule[k + 1].at : run_length_;
    FaultEvent event{occurrence.entry->spec.kind, fault.describe(), fault.driver()};
    event.started_at = Clock::now() - start_;
    try {
      // Written down first: if this process dies mid-fault, `loadgate recover` knows of it.
      if (journal_)
        journal_->injecting(k, static_cast<size_t>(occurrence.entry - entries_.data()),
                            event.description);
    } catch (const std::exception& e) {
      event.error = fmt::format("not injected: {}", e.what());
      record(std::move(event), window_end);
      continue;
    }
    for (const auto& edge : edges_) edge(event, true);
    try {
      fault.inject();
      event.injected = true;
      event.injected_at = Clock::now() - start_;
    } catch (const std::exception& e) {
      event.error = fmt::format("inject failed: {}", e.what());
    }
    // A stop cuts the fault short but never skips its recovery.
    sleep_until(Clock::now() + occurrence.entry->spec.recover_after, stop);
    try {
      fault.recover();
      event.recovered = true;
      event.recovered_at = Clock::now() - start_;
    } catch (const std::exception& e) {
      event.error += fmt::format("{}recover failed: {}", event.error.empty() ? "" : "; ", e.what());
    }
    for (const auto& edge : edges_) edge(event, false);
    try {
      if (journal_ && event.recovered) journal_->recovered(k);
      if (journal_ && !event.recovered) journal_->recover_failed(k, event.error);
    } catch (const std::exception& e) {
      event.error += fmt::format("{}{}", event.error.empty() ? "" : "; ", e.what());
    }
    fault.set_stop_check({});
    event.timings = fault.timings();
    record(std::move(event), window_end);
  }
}

}  // namespace loadgate
