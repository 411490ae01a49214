// The write ledger: every write a workload makes carries a unique id, its own (`{{write_id}}`,
// stored by the target in a column) or the one the target generated and returned in its
// acknowledgement (`ack_id: {field: id}`, most real APIs), and the ledger records how each ended:
// acknowledged (the target said it is durable), failed (the target said no, or it never reached the
// target) or in doubt (no answer after it was sent). After the run, verify() reads the ids back
// from the database: an acknowledged write that is not there is LOST, and a lost write fails the
// run. This is the check Jepsen makes, narrowed to what a failover or pooler restart can break.
//
// With the target's ids, a write that failed or got no answer has no id: it is counted, not read
// back (without_id). Memory stays flat however many writes a soak makes: outcomes are appended to a
// file (the run's OUT/ledgers/<workload>.writes, else an anonymous temporary one) a few thousand at
// a time, and read back from it in chunks of kVerifyChunk ids a query.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
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
  static constexpr size_t kVerifyChunk = 10'000;

  // Whose ids the writes carry: the ledger's own (next_id()) or the target's (record() is
  // given the acknowledged response's).
  enum class Ids { own, target };
  // `verify_query` reads the ids back through the first of `verify_conninfos` (with their
  // password) that accepts a connection: it takes the ids as a text[] in $1 and returns those
  // present in its first column.
  WriteLedger(std::string workload, std::vector<std::string> verify_conninfos,
              std::string verify_query, Ids ids = Ids::own);
  ~WriteLedger();

  // Keeps the outcomes in `file` (one "<n> a|f|d" line a write, after a header naming the ids'
  // prefix), instead of a temporary file. Before the first write; throws std::runtime_error
  // naming the file when it cannot be created.
  void spill_to(const std::filesystem::path& file);

  // A fresh id, unique across runs: "lg-<random run prefix>-<n>".
  std::string next_id();
  // `id` is one next_id() gave; with the target's ids, the one its acknowledgement carried, or ""
  // when there is none (a failed or unanswered write).
  void record(const std::string& id, WriteStatus status);
  // Reads every recorded write back. Never throws: a failed read-back is reported in the result.
  LedgerResult verify();
  // Reads back the writes recorded since the previous call (a fault's follow-up: the writes of
  // its window; the run's own verify() covers them all again at the end).
  LedgerResult verify_recent();
  // The counts without reading back.
  LedgerResult counts() const;
  // The hosts the read-back may connect to (harness/libpq_text.h dsn_hosts), for the target guard.
  std::vector<std::string> hosts() const;
  // Why the outcomes could not be written to the file (a full disk), or "": the run must stop,
  // as when any of its files cannot be written (the outcomes stay in memory meanwhile).
  std::string file_error() const;

 private:
  struct Outcome {
    uint64_t number;  // own ids: the n of prefix_<n>
    WriteStatus status;
    std::string id = {};  // the target's ids: as it gave it ("" when it gave none)
  };
  void flush_locked();     // the buffered outcomes to the file; mutex_ held
  uint64_t flushed_end();  // flushes, and says where the file ends
  std::string id_of(const Outcome& outcome) const;  // as written, as read back
  // Calls `take` with each outcome in [from, to) bytes of the file, then each of `in_memory`;
  // "" or why the file could not be read.
  std::string scan(uint64_t from, uint64_t to, const std::vector<Outcome>& in_memory,
                   const std::function<void(const Outcome&)>& take) const;
  // The target's ids acknowledged for more than one write there.
  std::vector<std::string> acknowledged_twice(uint64_t from, uint64_t to,
                                              const std::vector<Outcome>& in_memory) const;
  // Reads back the outcomes in [from, to) bytes of the file, in chunks.
  LedgerResult verify_range(uint64_t from, uint64_t to);

  std::string workload_;
  std::vector<std::string> verify_conninfos_;
  std::string verify_query_;
  Ids ids_;
  std::string prefix_;
  std::atomic<uint64_t> next_{1};
  mutable std::mutex mutex_;       // a lock per write: writes are the minority of requests
  std::vector<Outcome> buffered_;  // not yet in the file
  std::FILE* file_ = nullptr;      // the outcomes; opened at the first flush unless spill_to()
  std::string file_error_;         // why the file could not be written (then verify says so)
  uint64_t without_id_ = 0;        // the target's ids: writes it gave none for
  uint64_t file_bytes_ = 0;        // written so far
  uint64_t acknowledged_ = 0, failed_ = 0, in_doubt_ = 0;
  std::mutex verify_mutex_;   // one read-back at a time
  uint64_t recent_from_ = 0;  // where verify_recent() starts next
};

// The ledger of workload `workload`, from its `ledger:` settings (absent: the defaults):
//   ledger: {query: "SELECT write_id FROM items WHERE write_id = ANY($1::text[])"}
// The read-back goes through any DSN of `target` that answers (after a fault, one pooler may
// still be down).
std::shared_ptr<WriteLedger> make_write_ledger(const std::optional<ConfigNode>& ledger,
                                               const std::string& workload, const DbTarget& target,
                                               WriteLedger::Ids ids = WriteLedger::Ids::own);

}  // namespace loadgate
