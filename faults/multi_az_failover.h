// kind: failover, local driver: an RDS Multi-AZ failover of the testbed's Postgres pair.
//
//   faults:
//     - {kind: failover, at: 15s, mode: stop, dns_delay: 5s, rebuild: rewind}
//
// inject:  the primary's host is lost (mode stop: killed at once, its connections reset and
//          the endpoint refuses new ones; mode freeze: every process of it SIGSTOPped, a hung
//          AZ, so its connections hang), the standby is promoted, and `dns_delay` after the
//          fault began the endpoint (the RDS DNS name) points at the new primary.
// recover: the old primary is killed (if frozen) and rebuilt as the new standby (pg_rewind, or
//          a fresh base backup when pg_rewind fails or `rebuild: basebackup`), so the next
//          failover fails back. With `every`, failovers repeat within one run.
// If the promotion never happened (inject failed early), recover brings the old primary back.
#pragma once

#include <filesystem>
#include <map>

#include "faults/fault.h"
#include "harness/scenario.h"
#include "testbed/postgres_failover.h"

namespace loadgate {

class MultiAzFailover : public Fault {
 public:
  MultiAzFailover(const FaultSpec& spec, std::filesystem::path testbed_dir);

  std::string describe() const override;
  std::string driver() const override { return "testbed"; }
  void assume_injected() override;
  std::vector<std::string> plan() const override;
  void inject() override;
  void recover() override;
  std::map<std::string, Duration> timings() const override { return timings_; }
  // Every name timings() may hold (a recovery rebuilds one way or the other).
  static std::vector<std::string> timing_names() {
    return {"primary_lost", "promoted", "dns_switched", "rebuild_rewind", "rebuild_basebackup"};
  }

 private:
  enum class Mode { stop, freeze };
  std::filesystem::path dir_;
  Mode mode_ = Mode::stop;
  Duration dns_delay_ = std::chrono::seconds(5);
  testbed::RebuildMethod rebuild_ = testbed::RebuildMethod::rewind;
  // What this occurrence did, so recover() undoes exactly that.
  bool primary_lost_ = false, promotion_asked_ = false, promoted_ = false;
  std::chrono::seconds promotion_wait_{60};  // for a promotion asked but not seen through
  bool made_afresh_ = false;                 // by `loadgate recover`: nothing known of inject()
  std::map<std::string, Duration> timings_;
};

}  // namespace loadgate
