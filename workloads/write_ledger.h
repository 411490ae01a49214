// The write ledger: every write a workload makes carries a unique id (`{{write_id}}`), and the
// ledger records how each one ended: acknowledged (the target said it is durable), failed (the
// target said no, or it never reached the target) or in doubt (no answer after it was sent).
// After the run, verify() reads the ids back from the database: an acknowledged write that is
// not there is LOST, and a lost write fails the run. This is the check Jepsen makes, narrowed
// to what a failover or pooler restart can break.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/config_node.h"
#include "harness/results.h"
#include "workloads/db_target.h"

namespace loadgate {

enum class WriteStatus { acknowledged, failed, in_doubt };

class WriteLedger {
 public:
  // `verify_query` reads the ids back through the first of `verify_conninfos` (with their
  // password) that accepts a connection: it takes the ids as a text[] in $1 and returns those
  // present in its first column.
  WriteLedger(std::string workload, std::vector<std::string> verify_conninfos,
              std::string verify_query);

  // A fresh id, unique across runs: "lg-<random run prefix>-<n>".
  std::string next_id();
  void record(const std::string& id, WriteStatus status);
  // Reads every recorded id back. Never throws: a failed read-back is reported in the result.
  LedgerResult verify() const;
  // The counts without reading back (for reports when verification is not possible).
  LedgerResult counts() const;

 private:
  std::string workload_;
  std::vector<std::string> verify_conninfos_;
  std::string verify_query_;
  std::string prefix_;
  std::atomic<uint64_t> next_{1};
  mutable std::mutex mutex_;  // a lock per write: writes are the minority of requests
  std::vector<std::pair<std::string, WriteStatus>> writes_;
};

// The ledger of workload `workload`, from its `ledger:` settings (absent: the defaults):
//   ledger: {query: "SELECT write_id FROM items WHERE write_id = ANY($1::text[])"}
// The read-back goes through any DSN of `target` that answers (after a fault, one pooler may
// still be down).
std::shared_ptr<WriteLedger> make_write_ledger(const std::optional<ConfigNode>& ledger,
                                               const std::string& workload, const DbTarget& target);

}  // namespace loadgate
