// Which of a workload's clients came back after a fault. Each client (a pool connection, say)
// records, without a lock, when it last tried and when it last succeeded; after a fault's
// recovery, assess() sorts the clients that tried since then into those that succeeded again and
// those that did not, and names the latter. A client that has not tried since is "untried": its
// state is unknown (an idle connection at the bottom of a pool), not a failure.
#pragma once

#include <atomic>
#include <memory>
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
  // `workload` is copied into the result; at most `listed` ids of unrecovered units are named.
  ClientRecovery assess(const std::string& workload, Clock::time_point since,
                        size_t listed = 20) const;

 private:
  static int64_t ticks(Clock::time_point at) { return at.time_since_epoch().count(); }
  std::string kind_;
  std::vector<std::string> ids_;
  std::unique_ptr<std::atomic<int64_t>[]> last_try_, last_success_;  // 0: never
};

}  // namespace loadgate
