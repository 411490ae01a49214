// The contract between the fault timeline and a fault kind (one file per kind in faults/).
//
// inject() breaks something and returns once it is broken; recover() puts it back and returns
// once it is back. Both throw FaultError with a one-line reason. recover() must be safe to call
// whether or not inject() finished: the timeline calls it on every path (success, failure,
// timeout, Ctrl-C), because a run always leaves the deployment as it found it.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/config_node.h"
#include "harness/units.h"

namespace loadgate {

class FaultError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Refuses any key of a fault's entry but the timeline's (kind, driver, at, every,
// recover_after, duration) and the driver's own `keys`, naming the line of the stray one.
void allow_fault_keys(const ConfigNode& node, std::span<const std::string_view> keys);
inline void allow_fault_keys(const ConfigNode& node, std::initializer_list<std::string_view> keys) {
  allow_fault_keys(node, std::span<const std::string_view>(keys.begin(), keys.size()));
}

class Fault {
 public:
  virtual ~Fault() = default;
  // "pgbouncer-restart kill of pgbouncer-1": names the fault in reports.
  virtual std::string describe() const = 0;
  // How it is done: "testbed", "pgbouncer-console", "proxy", "command" or a ready driver's name
  // ("aws-rds-failover", faults/drivers/). The scenario's `kind`
  // says what happens to the system and keys the claims; the driver never changes a verdict.
  virtual std::string driver() const = 0;
  virtual void inject() = 0;
  virtual void recover() = 0;
  // Before recover() on a fault made afresh because the run that injected it died (`loadgate
  // recover`, faults/fault_journal.h): inject() never ran in this process, so recover() must
  // assume it got as far as it could. A fault whose recover() asks the system needs nothing.
  virtual void assume_injected() {}
  // What inject and recover would do, for `loadgate run --dry-run` (commands, targets).
  virtual std::vector<std::string> plan() const { return {describe()}; }
  // The hosts inject and recover connect to themselves, for the target guard
  // (session/target_guard.h): none when they act on this machine's own processes (a testbed's)
  // or run commands, whose targets only the commands know.
  virtual std::vector<std::string> hosts() const { return {}; }
  // Whether it acts on a cloud or a cluster by design (the ready drivers: aws, kubectl,
  // patronictl name an instance or a pod, not a host): the guard has it confirmed wherever the
  // load goes.
  virtual bool acts_on_cloud() const { return false; }
  // What the last inject and recover measured of the fault itself, for the report and for
  // claims ("promote" → 0.4s, "held_for" → 11.2s). Read after recover().
  virtual std::map<std::string, Duration> timings() const { return {}; }

  // Set by the timeline around each occurrence: true once the run is stopping (Ctrl-C, its
  // end). An inject that waits (a DNS delay, a wake) checks it and returns early; recover()
  // then puts back whatever it got to.
  void set_stop_check(std::function<bool()> stopping) { stopping_ = std::move(stopping); }

 protected:
  bool stopping() const { return stopping_ && stopping_(); }
  // Sleeps until `until` in short slices; false when the run began stopping first.
  bool wait_until(Clock::time_point until) const;

 private:
  std::function<bool()> stopping_;
};

}  // namespace loadgate
