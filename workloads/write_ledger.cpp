#include "workloads/write_ledger.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "harness/libpq_text.h"
#include "harness/query_watchdog.h"

namespace loadgate {
namespace {

constexpr size_t kListedLost = 20;  // lost ids named in the report; the count has them all
constexpr auto kVerifyTimeout = std::chrono::seconds(60);
constexpr size_t kBuffered = 4096;  // outcomes kept in memory before they go to the file

char letter_of(WriteStatus status) {
  switch (status) {
    case WriteStatus::acknowledged:
      return 'a';
    case WriteStatus::failed:
      return 'f';
    case WriteStatus::in_doubt:
      return 'd';
  }
  return '?';
}

// A text[] literal for $1: each element quoted, its quotes and backslashes escaped (the
// target's ids are whatever it returned).
std::string text_array(const std::vector<std::string>& ids) {
  std::string array = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    array += i ? ",\"" : "\"";
    for (char c : ids[i]) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  return array + "}";
}

std::FILE* anonymous_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = fmt::format("{}/loadgate-ledger-XXXXXX", dir && *dir ? dir : "/tmp");
  const int fd = mkstemp(path.data());
  if (fd < 0) return nullptr;
  unlink(path.c_str());  // gone with the process
  return fdopen(fd, "w+");
}

}  // namespace

WriteLedger::WriteLedger(std::string workload, std::vector<std::string> verify_conninfos,
                         std::string verify_query, Ids ids)
    : workload_(std::move(workload)),
      verify_conninfos_(std::move(verify_conninfos)),
      verify_query_(std::move(verify_query)),
      ids_(ids) {
  // Random, not from the scenario seed: a replayed run must not find the first run's rows.
  std::random_device entropy;
  prefix_ = fmt::format("lg-{:08x}{:08x}-", entropy(), entropy());
}

WriteLedger::~WriteLedger() {
  if (file_) std::fclose(file_);
}

void WriteLedger::spill_to(const std::filesystem::path& file) {
  std::lock_guard lock(mutex_);
  if (file_ || file_bytes_ > 0) return;  // too late: the temporary file keeps them
  std::error_code ignored;
  std::filesystem::create_directories(file.parent_path(), ignored);
  file_ = std::fopen(file.c_str(), "w+");
  if (!file_)
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)));
}

std::string WriteLedger::next_id() {
  return prefix_ + std::to_string(next_.fetch_add(1, std::memory_order_relaxed));
}

void WriteLedger::record(const std::string& id, WriteStatus status) {
  Outcome outcome{0, status};
  if (ids_ == Ids::own) {
    const std::string_view digits =
        std::string_view(id).substr(std::min(prefix_.size(), id.size()));
    std::from_chars(digits.data(), digits.data() + digits.size(), outcome.number);
  } else if (id.find('\n') == std::string::npos) {  // one line of the file a write
    outcome.id = id;
  }
  std::lock_guard lock(mutex_);
  if (ids_ == Ids::target && outcome.id.empty()) ++without_id_;
  buffered_.push_back(std::move(outcome));
  ++(status == WriteStatus::acknowledged ? acknowledged_
     : status == WriteStatus::failed     ? failed_
                                         : in_doubt_);
  if (buffered_.size() >= kBuffered) flush_locked();
}

void WriteLedger::flush_locked() {
  if (buffered_.empty() || !file_error_.empty()) return;
  if (!file_) file_ = anonymous_file();
  std::string text;
  if (file_bytes_ == 0)
    text = ids_ == Ids::own ? fmt::format(
                                  "# loadgate write ledger of {}: write ids {}<n>; a acknowledged, "
                                  "f failed, d in doubt\n",
                                  workload_, prefix_)
                            : fmt::format(
                                  "# loadgate write ledger of {}: a acknowledged, f failed, d in "
                                  "doubt, then the id the target gave (none: it gave none)\n",
                                  workload_);
  for (const auto& o : buffered_)
    text += ids_ == Ids::own ? fmt::format("{} {}\n", o.number, letter_of(o.status))
                             : fmt::format("{} {}\n", letter_of(o.status), o.id);
  // Written where the last write ended (pread elsewhere never moves that).
  if (!file_ || std::fseek(file_, static_cast<long>(file_bytes_), SEEK_SET) != 0 ||
      std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
    // Kept in memory instead: the read-back must see every write, and a run that cannot write
    // its files is stopping (its timeline fails the same way).
    file_error_ =
        fmt::format("cannot write the {} ledger's file: {}", workload_, std::strerror(errno));
    return;
  }
  file_bytes_ += text.size();
  buffered_.clear();
}

LedgerResult WriteLedger::counts() const {
  std::lock_guard lock(mutex_);
  LedgerResult result;
  result.workload = workload_;
  result.acknowledged = acknowledged_;
  result.failed = failed_;
  result.in_doubt = in_doubt_;
  result.without_id = without_id_;
  return result;
}

std::vector<std::string> WriteLedger::hosts() const {
  return dsn_hosts(verify_conninfos_);
}

std::string WriteLedger::file_error() const {
  std::lock_guard lock(mutex_);
  return file_error_;
}

uint64_t WriteLedger::flushed_end() {
  std::lock_guard lock(mutex_);
  flush_locked();
  return file_bytes_;
}

LedgerResult WriteLedger::verify() {
  std::lock_guard serial(verify_mutex_);
  return verify_range(0, flushed_end());
}

LedgerResult WriteLedger::verify_recent() {
  std::lock_guard serial(verify_mutex_);
  const uint64_t end = flushed_end();
  LedgerResult result = verify_range(recent_from_, end);
  if (result.verified) recent_from_ = end;
  return result;
}

std::string WriteLedger::id_of(const Outcome& outcome) const {
  return ids_ == Ids::own ? prefix_ + std::to_string(outcome.number) : outcome.id;
}

std::string WriteLedger::scan(uint64_t from, uint64_t to, const std::vector<Outcome>& in_memory,
                              const std::function<void(const Outcome&)>& take) const {
  std::string pending;
  std::vector<char> block(256 << 10);
  const int fd = file_ ? fileno(file_) : -1;
  for (uint64_t offset = from; offset < to && fd >= 0;) {
    const ssize_t got = pread(fd, block.data(), std::min<uint64_t>(block.size(), to - offset),
                              static_cast<off_t>(offset));
    if (got <= 0)
      return fmt::format("the ledger's file could not be read: {}",
                         got < 0 ? std::strerror(errno) : "it ended early");
    offset += static_cast<uint64_t>(got);
    pending.append(block.data(), static_cast<size_t>(got));
    size_t begin = 0;
    for (size_t end; (end = pending.find('\n', begin)) != std::string::npos; begin = end + 1) {
      const std::string_view line(pending.data() + begin, end - begin);
      if (line.empty() || line[0] == '#') continue;
      Outcome o{0, WriteStatus::acknowledged};
      // Own ids: "<n> <status>"; the target's: "<status> <id>".
      char status = line.back();
      if (ids_ == Ids::own) {
        std::from_chars(line.data(), line.data() + line.size(), o.number);
      } else {
        status = line.front();
        if (line.size() > 2) o.id = std::string(line.substr(2));
      }
      o.status = status == 'a'   ? WriteStatus::acknowledged
                 : status == 'f' ? WriteStatus::failed
                                 : WriteStatus::in_doubt;
      take(o);
    }
    pending.erase(0, begin);
  }
  for (const auto& o : in_memory) take(o);
  return "";
}

std::vector<std::string> WriteLedger::acknowledged_twice(
    uint64_t from, uint64_t to, const std::vector<Outcome>& in_memory) const {
  // 8 bytes an acknowledged write, for the read-back only (a 12-hour soak at 20 writes/s: 7 MB):
  // hashes first, then the ids behind the repeated ones. A hash collision only costs a look.
  std::vector<uint64_t> hashes;
  auto hash = [](const std::string& id) { return std::hash<std::string>{}(id); };
  const std::string error = scan(from, to, in_memory, [&](const Outcome& o) {
    if (o.status == WriteStatus::acknowledged && !o.id.empty()) hashes.push_back(hash(o.id));
  });
  if (!error.empty()) return {};  // the read-back's own scan says so
  std::sort(hashes.begin(), hashes.end());
  std::vector<uint64_t> repeated;
  for (size_t i = 1; i < hashes.size(); ++i)
    if (hashes[i] == hashes[i - 1] && (repeated.empty() || repeated.back() != hashes[i]))
      repeated.push_back(hashes[i]);
  hashes = {};
  if (repeated.empty()) return {};
  std::unordered_map<std::string, int> seen;
  scan(from, to, in_memory, [&](const Outcome& o) {
    if (o.status == WriteStatus::acknowledged && !o.id.empty() &&
        std::binary_search(repeated.begin(), repeated.end(), hash(o.id)))
      ++seen[o.id];
  });
  std::vector<std::string> twice;
  for (const auto& [id, times] : seen)
    if (times > 1) twice.push_back(id);
  return twice;
}

LedgerResult WriteLedger::verify_range(uint64_t from, uint64_t to) {
  LedgerResult result;
  result.workload = workload_;
  std::vector<Outcome> in_memory;  // what a failed file write left in memory
  {
    std::lock_guard lock(mutex_);
    if (!file_error_.empty()) in_memory = buffered_;
  }
  // Reads back one chunk of ids and tallies them. A pooler that accepts but a database that
  // never answers (a frozen primary) must not hold the run's end forever: the watchdog shuts the
  // connection after kVerifyTimeout. Right after a fault, a pooler may still be waiting to
  // reconnect (pgbouncer's server_login_retry): every DSN is tried in turn, once a second, until
  // the deadline.
  QueryWatchdog watchdog;
  const auto deadline = Clock::now() + kVerifyTimeout;
  std::vector<Outcome> chunk;
  bool reading_back = true;  // until a read-back fails: then the rest are only counted
  auto read_back = [&]() -> bool {
    if (!reading_back) {
      chunk.clear();
      return false;
    }
    std::vector<std::string> ids;
    for (const auto& o : chunk) ids.push_back(id_of(o));
    std::unordered_set<std::string> present;
    bool done = false, give_up = false;
    while (!done && !give_up && Clock::now() < deadline) {
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
          for (const auto& row : tx.exec_params(verify_query_, text_array(ids)))
            present.insert(row[0].as<std::string>());
          done = true;
          break;
        } catch (const pqxx::sql_error& e) {
          result.verify_error = single_line(e.what());  // the query failed: no point retrying
          give_up = true;
          break;
        } catch (const std::exception& e) {
          result.verify_error = single_line(e.what());  // the connection failed: the next DSN
        }
      }
      if (!done && !give_up) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (!done) {
      reading_back = false;
      chunk.clear();
      return false;
    }
    for (size_t j = 0; j < chunk.size(); ++j) {
      const std::string& id = ids[j];
      const bool found = present.contains(id);
      switch (chunk[j].status) {
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
    chunk.clear();
    return true;
  };
  // With the target's ids, an id acknowledged for two writes is a lost write too: the target gave
  // it again (a sequence that restarted behind on a promoted standby), so the row under it is the
  // later write's and the earlier one is gone, though its id reads back present.
  std::unordered_map<std::string, uint64_t>
      acknowledged_before;  // ids seen twice: how often so far
  if (ids_ == Ids::target) {
    for (const std::string& id : acknowledged_twice(from, to, in_memory))
      acknowledged_before.emplace(id, 0);
  }
  // Counted whatever the read-back finds; read back a chunk at a time.
  auto take = [&](const Outcome& o) {
    ++(o.status == WriteStatus::acknowledged ? result.acknowledged
       : o.status == WriteStatus::failed     ? result.failed
                                             : result.in_doubt);
    if (ids_ == Ids::target && o.id.empty()) {  // nothing to read back
      ++result.without_id;
      return;
    }
    if (o.status == WriteStatus::acknowledged && !acknowledged_before.empty()) {
      auto seen = acknowledged_before.find(o.id);
      if (seen != acknowledged_before.end() && seen->second++ > 0) {
        ++result.lost;
        ++result.reissued;
        if (result.lost_ids.size() < kListedLost) result.lost_ids.push_back(o.id);
        return;
      }
    }
    chunk.push_back(o);
    if (chunk.size() == kVerifyChunk) read_back();
  };
  if (std::string error = scan(from, to, in_memory, take); !error.empty()) {
    result.verify_error = std::move(error);
    return result;
  }
  // The last chunk (or, with no writes at all, a query all the same: it proves the read-back
  // works).
  if (!chunk.empty() || result.acknowledged + result.failed + result.in_doubt == 0) read_back();
  if (!reading_back) return result;
  result.verified = true;
  result.verify_error.clear();
  return result;
}

std::shared_ptr<WriteLedger> make_write_ledger(const std::optional<ConfigNode>& ledger,
                                               const std::string& workload, const DbTarget& target,
                                               WriteLedger::Ids ids) {
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
  return std::make_shared<WriteLedger>(workload, std::move(conninfos), query, ids);
}

}  // namespace loadgate
