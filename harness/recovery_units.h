// Which of a workload's clients came back after a fault. Each client (a pool connection, say)
// records, without a lock, when it last tried and when it last succeeded. Clients come in groups
// that share their fate (the connections of one pool, to one pooler). Once a group is back (its
// first success after the fault's recovery), each of its clients that tried since then is judged
// by its last try: recovered if that succeeded, NOT RECOVERED (and named) if it failed. A client
// that has not tried since its group was back is "untried": it may have failed during the outage
// and sat idle since (the bottom of a pool), which says nothing about it.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/results.h"
#include "harness/scenario.h"

namespace loadgate {

class RecoveryUnits {
 public:
  using BackAt = std::vector<std::optional<Clock::time_point>>;  // per group

  // `kind` names what the units are ("pool connection"); `ids` names each one ("t0.p1.c3");
  // `groups` gives each one's group, numbered from 0.
  RecoveryUnits(std::string kind, std::vector<std::string> ids, std::vector<size_t> groups);

  size_t size() const { return ids_.size(); }
  size_t group_count() const { return group_count_; }
  void record(size_t unit, bool succeeded, Clock::time_point at = Clock::now());
  // Fills, for each group not yet back, the earliest last success at or after `since`: close to
  // when the group was back, if asked soon after (later successes overwrite earlier ones).
  void update_back_at(BackAt& back_at, Clock::time_point since) const;
  // Judges the units as above; a group never back is judged from `since`. `workload` is copied
  // into the result; at most `listed` ids of unrecovered units are named.
  ClientRecovery assess(const std::string& workload, Clock::time_point since, const BackAt& back_at,
                        size_t listed = 20) const;

 private:
  static int64_t ticks(Clock::time_point at) { return at.time_since_epoch().count(); }
  std::string kind_;
  std::vector<std::string> ids_;
  std::vector<size_t> groups_;
  size_t group_count_ = 0;
  std::unique_ptr<std::atomic<int64_t>[]> last_try_, last_success_;  // 0: never
};

// The virtual users of a closed-model executor ("vu0" ... up to its peak), each its own group;
// null for the open model, which has none.
std::shared_ptr<RecoveryUnits> virtual_users_of(const ExecutorSpec& executor);

}  // namespace loadgate
