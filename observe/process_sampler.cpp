#include "observe/process_sampler.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace loadgate {
namespace {

struct ProcStat {
  pid_t ppid = 0;
  uint64_t ticks = 0;  // utime + stime
  uint64_t rss_pages = 0;
};

// /proc/<pid>/stat: the command may hold spaces and parentheses, so fields are counted from the
// last ')'.
bool read_stat(pid_t pid, ProcStat& stat) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::string state;
  fields >> state >> stat.ppid;
  std::string skip;
  for (int field = 5; field < 14; ++field) fields >> skip;  // pgrp .. cmajflt
  uint64_t utime = 0, stime = 0;
  fields >> utime >> stime;
  for (int field = 16; field < 24; ++field) fields >> skip;  // cutime .. vsize
  fields >> stat.rss_pages;
  stat.ticks = utime + stime;
  return !fields.fail() && state != "Z";
}

// Proportional set size in bytes: resident pages, each shared page divided among its sharers,
// so Postgres's shared buffers count once across its backends. Empty when smaps_rollup cannot
// be read (another user's process, an old kernel): RSS stands in.
std::optional<double> pss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  double kilobytes = 0;
  while (in >> key) {
    if (key == "Pss:") {
      in >> kilobytes;
      return in ? std::optional(kilobytes * 1024) : std::nullopt;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

}  // namespace

std::map<std::string, double> ProcessSampler::sample(const std::vector<Root>& roots) {
  // One pass over /proc: every process and its parent.
  std::map<pid_t, ProcStat> all;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    if (read_stat(std::stoi(name), stat)) all[std::stoi(name)] = stat;
  }
  std::map<pid_t, std::vector<pid_t>> children;
  for (const auto& [pid, stat] : all) children[stat.ppid].push_back(pid);

  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_at_).count();
  // CPU ticks are 10 ms: over less than half a second a rate is mostly rounding (one tick in
  // 8 ms reads as 125 %), so such a sample reports memory only and keeps its baseline.
  const bool have_baseline = last_at_ != Clock::time_point{};
  const bool have_rate = have_baseline && elapsed >= 0.5;
  static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::map<std::string, double> gauges;
  std::map<pid_t, uint64_t> ticks_now;
  for (const auto& root : roots) {
    if (!all.contains(root.pid)) continue;
    double cpu = 0, rss = 0;
    std::vector<pid_t> pending{root.pid};
    while (!pending.empty()) {
      const pid_t pid = pending.back();
      pending.pop_back();
      const ProcStat& stat = all[pid];
      rss += pss_bytes(pid).value_or(static_cast<double>(stat.rss_pages) * page_bytes);
      ticks_now[pid] = stat.ticks;
      // A process born since the last sample counts from its start.
      const auto last = last_ticks_.find(pid);
      const uint64_t before = last != last_ticks_.end() ? last->second : 0;
      if (have_rate && stat.ticks >= before)
        cpu += static_cast<double>(stat.ticks - before) / ticks_per_second / elapsed;
      for (pid_t child : children[pid]) pending.push_back(child);
    }
    // A role's gauge is its busiest instance (sizing claims are per task); the totals beside it.
    const std::string prefix = "process." + root.role;
    gauges[prefix + ".rss"] = std::max(gauges[prefix + ".rss"], rss);
    gauges[prefix + ".rss_total"] += rss;
    if (have_rate) {
      gauges[prefix + ".cpu"] = std::max(gauges[prefix + ".cpu"], cpu);
      gauges[prefix + ".cpu_total"] += cpu;
    }
  }
  if (have_rate || !have_baseline) {
    last_ticks_ = std::move(ticks_now);
    last_at_ = now;
  }
  return gauges;
}

}  // namespace loadgate
