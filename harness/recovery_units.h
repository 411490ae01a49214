// Which of a workload's clients came back after a fault. Each client (a pool connection, say)
// records, without a lock, when it last tried and when it last succeeded. Once the workload is
// back (its first success after the fault's recovery), assess() sorts the clients that tried
// since then into those that succeeded again and those that did not, and names the latter. A
// client that has not tried since the workload was back is "untried": it may have failed during
// the outage and sat idle since (the bottom of a pool), which says nothing about it.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/results.h"

namespace loadgate {

class RecoveryUnits {
 public:
  // `kind` names what the units are ("pool connection"); `ids` names each one ("task0.pool1.c3").
  RecoveryUnits(std::string kind, std::vector<std::string> ids);

  size_t size() const { return ids_.size(); }
  void record(size_t unit, bool succeeded, Clock::time_point at = Clock::now());
  // The earliest last success at or after `since`: close to when the workload was back, if it
  // is asked soon after (a unit's later successes overwrite its earlier ones).
  std::optional<Clock::time_point> first_success_since(Clock::time_point since) const;
  // Units that tried at or after `back_at`: recovered if they succeeded at or after `since`.
  // `workload` is copied into the result; at most `listed` ids of unrecovered units are named.
  ClientRecovery assess(const std::string& workload, Clock::time_point since,
                        Clock::time_point back_at, size_t listed = 20) const;

 private:
  static int64_t ticks(Clock::time_point at) { return at.time_since_epoch().count(); }
  std::string kind_;
  std::vector<std::string> ids_;
  std::unique_ptr<std::atomic<int64_t>[]> last_try_, last_success_;  // 0: never
};

}  // namespace loadgate
