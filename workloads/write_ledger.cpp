#include "workloads/write_ledger.h"

#include <random>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/query_watchdog.h"

namespace loadgate {
namespace {

// A text[] literal for $1; ids are generated here (letters, digits, dashes), so quoting them is
// enough.
std::string text_array(const std::vector<std::pair<std::string, WriteStatus>>& writes) {
  std::string array = "{";
  for (size_t i = 0; i < writes.size(); ++i)
    array += fmt::format("{}\"{}\"", i ? "," : "", writes[i].first);
  return array + "}";
}

constexpr size_t kListedLost = 20;  // lost ids named in the report; the count has them all
constexpr auto kVerifyTimeout = std::chrono::seconds(60);

}  // namespace

WriteLedger::WriteLedger(std::string workload, std::vector<std::string> verify_conninfos,
                         std::string verify_query)
    : workload_(std::move(workload)),
      verify_conninfos_(std::move(verify_conninfos)),
      verify_query_(std::move(verify_query)) {
  // Random, not from the scenario seed: a replayed run must not find the first run's rows.
  std::random_device entropy;
  prefix_ = fmt::format("lg-{:08x}{:08x}-", entropy(), entropy());
}

std::string WriteLedger::next_id() {
  return prefix_ + std::to_string(next_.fetch_add(1, std::memory_order_relaxed));
}

void WriteLedger::record(const std::string& id, WriteStatus status) {
  std::lock_guard lock(mutex_);
  writes_.emplace_back(id, status);
}

LedgerResult WriteLedger::counts() const {
  std::lock_guard lock(mutex_);
  LedgerResult result;
  result.workload = workload_;
  for (const auto& [id, status] : writes_) {
    switch (status) {
      case WriteStatus::acknowledged:
        ++result.acknowledged;
        break;
      case WriteStatus::failed:
        ++result.failed;
        break;
      case WriteStatus::in_doubt:
        ++result.in_doubt;
        break;
    }
  }
  return result;
}

LedgerResult WriteLedger::verify() const {
  LedgerResult result = counts();
  std::vector<std::pair<std::string, WriteStatus>> writes;
  {
    std::lock_guard lock(mutex_);
    writes = writes_;
  }
  std::unordered_set<std::string> present;
  // A pooler that accepts but a database that never answers (a frozen primary) must not hold
  // the run's end forever: the watchdog shuts the connection after kVerifyTimeout.
  // Right after a fault, a pooler may still be waiting to reconnect (pgbouncer's
  // server_login_retry): every DSN is tried in turn, once a second, until the deadline.
  QueryWatchdog watchdog;
  const auto deadline = Clock::now() + kVerifyTimeout;
  bool give_up = false;
  while (!result.verified && !give_up && Clock::now() < deadline) {
    for (const auto& conninfo : verify_conninfos_) {
      try {
        pqxx::connection connection(conninfo);
        const uint64_t ticket = watchdog.arm(connection.sock(), deadline);
        struct Disarm {
          QueryWatchdog& watchdog;
          uint64_t ticket;
          ~Disarm() { watchdog.disarm(ticket); }
        } disarm{watchdog, ticket};
        pqxx::read_transaction tx(connection);
        for (const auto& row : tx.exec_params(verify_query_, text_array(writes)))
          present.insert(row[0].as<std::string>());
        result.verified = true;
        break;
      } catch (const pqxx::sql_error& e) {
        result.verify_error = single_line(e.what());  // the query itself failed: no point retrying
        give_up = true;
        break;
      } catch (const std::exception& e) {
        result.verify_error = single_line(e.what());  // the connection failed: try the next DSN
      }
    }
    if (!result.verified && !give_up) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (!result.verified) return result;
  result.verify_error.clear();
  for (const auto& [id, status] : writes) {
    const bool found = present.contains(id);
    switch (status) {
      case WriteStatus::acknowledged:
        if (found) {
          ++result.acknowledged_present;
        } else {
          ++result.lost;
          if (result.lost_ids.size() < kListedLost) result.lost_ids.push_back(id);
        }
        break;
      case WriteStatus::failed:
        if (found) ++result.failed_present;
        break;
      case WriteStatus::in_doubt:
        ++(found ? result.in_doubt_present : result.in_doubt_absent);
        break;
    }
  }
  return result;
}

std::shared_ptr<WriteLedger> make_write_ledger(const std::optional<ConfigNode>& ledger,
                                               const std::string& workload,
                                               const DbTarget& target) {
  std::string query = "SELECT write_id FROM items WHERE write_id = ANY($1::text[])";
  if (ledger) {
    if (auto q = ledger->find("query")) query = q->as_string();
    if (query.find("$1") == std::string::npos)
      ledger->at("query").fail("the query takes the written ids as a text[] in $1");
  }
  std::vector<std::string> conninfos;
  for (size_t i = 0; i < target.dsns.size(); ++i)
    conninfos.push_back(
        target.conninfo(i, {{"connect_timeout", "5"}, {"application_name", "loadgate-ledger"}}));
  return std::make_shared<WriteLedger>(workload, std::move(conninfos), query);
}

}  // namespace loadgate
