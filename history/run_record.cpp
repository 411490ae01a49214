#include "history/run_record.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/text_file.h"
#include "reports/claim_metrics.h"
#include "reports/json_lines.h"
#include "reports/rank_test.h"
#include "reports/result_reader.h"

namespace loadgate {
namespace {

using nlohmann::json;

constexpr double kShortestSlope = 1800;  // s

void keep(std::map<std::string, double>& figures, const std::string& name,
          std::optional<double> value) {
  if (value && std::isfinite(*value)) figures[name] = *value;
}

json read_json(const std::filesystem::path& file) {
  const auto text = read_text_file(file);
  if (!text)
    throw std::runtime_error(
        fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  try {
    return json::parse(*text);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", file.string(), e.what()));
  }
}

// The whole run's figures: each workload's as a claim measures them over the recorded phases,
// each fault kind's worst downtime, the ledgers' lost writes, whether loadgate was the limit.
std::map<std::string, double> run_figures(const RunResult& run) {
  std::map<std::string, double> figures;
  for (const auto& w : run.workloads)
    for (const char* figure :
         {"requests", "throughput", "latency.p50", "latency.p99", "errors.rate"}) {
      const std::string name = w.name + "." + figure;
      keep(figures, name, measure(name, run).value);
    }
  std::set<std::string> kinds;
  for (const auto& f : run.faults) kinds.insert(f.kind);
  for (const auto& kind : kinds) {
    keep(figures, "fault." + kind + ".downtime", measure("fault." + kind + ".downtime", run).value);
    keep(figures, "fault." + kind + ".clients_not_recovered",
         measure("fault." + kind + ".clients_not_recovered", run).value);
  }
  if (!run.ledgers.empty()) keep(figures, "ledger.lost", measure("ledger.lost", run).value);
  figures["generator.bound"] = run.generator.generator_bound ? 1 : 0;
  return figures;
}

std::vector<HistoryClaim> claims_of(const std::vector<ClaimVerdict>& verdicts) {
  std::vector<HistoryClaim> claims;
  for (const auto& c : verdicts) claims.push_back({c.id, status_name(c.status), c.measured});
  return claims;
}

// A soak's slopes (soak.json) and windows (windows.jsonl).
void add_soak(HistoryEntry& entry, const std::filesystem::path& dir) {
  const json soak = read_json(dir / "soak.json");
  // An hourly rate from less than half an hour is an extrapolation whose noise, night to night,
  // would be flagged as change: a short soak keeps its slopes in soak.json only.
  if (soak.value("for_s", 0.0) >= kShortestSlope)
    for (const char* group : {"rss_slopes", "window_trends"}) {
      // Held by name: items() of the temporary value() returns would outlive it.
      const json slopes = soak.value(group, json::object());
      for (const auto& [figure, slope] : slopes.items())
        if (slope.value("per_hour", json(nullptr)).is_number())
          entry.figures[figure + ".slope"] = slope["per_hour"].get<double>();
    }
  if (soak.value("output_bytes_per_hour", json(nullptr)).is_number())
    entry.figures["output.bytes_per_hour"] = soak["output_bytes_per_hour"].get<double>();
  read_json_lines(dir / "windows.jsonl", [&](const json& window) {
    HistoryWindow w;
    w.index = window.at("window").get<int>();
    w.start_s = window.at("start_s").get<double>();
    w.end_s = window.at("end_s").get<double>();
    w.verdict = window.at("verdict").get<std::string>();
    for (const auto& workload : window.at("workloads")) {
      const std::string name = workload.at("name");
      const double requests = workload.at("requests").get<double>();
      w.figures[name + ".requests"] = requests;
      if (requests > 0)
        w.figures[name + ".errors.rate"] = workload.at("errors").get<double>() / requests;
      for (const auto& [key, figure] :
           {std::pair{"p50_s", ".latency.p50"}, {"p99_s", ".latency.p99"}})
        if (workload.value(key, json(nullptr)).is_number())
          w.figures[name + figure] = workload[key].get<double>();
    }
    for (const auto& c : window.at("claims"))
      w.claims.push_back({c.at("id"), c.at("verdict"), c.value("measured", "")});
    entry.windows.push_back(std::move(w));
  });
}

int severity(const std::string& verdict) {
  return verdict == "broken" ? 2 : verdict == "held" ? 0 : 1;
}

// A gate: each figure the median of its repeats', each claim the worst of their verdicts.
void add_gate(HistoryEntry& entry, const std::filesystem::path& dir, const json& gate) {
  entry.scenario = gate.at("scenario");
  entry.gate_samples = gate.at("samples").dump();
  std::map<std::string, std::vector<double>> figures;
  std::map<std::string, HistoryClaim> worst;
  std::vector<std::string> order;
  for (size_t i = 1; std::filesystem::exists(dir / fmt::format("repeat-{}", i) / "result.json");
       ++i) {
    const RunResult run = read_run(dir / fmt::format("repeat-{}", i));
    for (const auto& [name, value] : run_figures(run)) figures[name].push_back(value);
    for (const auto& c : claims_of(run.claims)) {
      auto [it, fresh] = worst.try_emplace(c.id, c);
      if (fresh) order.push_back(c.id);
      if (severity(c.verdict) > severity(it->second.verdict)) it->second = c;
    }
  }
  for (const auto& [name, values] : figures) entry.figures[name] = median(values);
  for (const auto& id : order) entry.claims.push_back(worst[id]);
}

// A checklist item's verdict as a claim's: ticked held, FAILED broken, else not measured.
std::string item_verdict(const std::string& status) {
  return status == "ticked" ? "held" : status == "FAILED" ? "broken" : "not measured";
}

// A phase 2 checklist: each item's verdict as a claim (its id), each step's claims as
// "<item>/<claim>" and its figures as "<item>.<figure>" ("<item>.<k>.<figure>" for an item of
// several steps), and how many items were ticked and failed.
void add_phase2(HistoryEntry& entry, const json& checklist) {
  entry.scenario = checklist.at("name");
  double ticked = 0, failed = 0;
  for (const auto& item : checklist.at("items")) {
    const std::string id = item.at("id");
    const std::string status = item.at("status");
    ticked += status == "ticked";
    failed += status == "FAILED";
    entry.claims.push_back({id, item_verdict(status), item.value("reason", "")});
    const auto& steps = item.at("steps");
    for (size_t k = 0; k < steps.size(); ++k) {
      for (const auto& c : steps[k].at("claims"))
        entry.claims.push_back(
            {id + "/" + c.at("id").get<std::string>(), c.at("status"), c.value("measured", "")});
      const std::filesystem::path dir = steps[k].at("dir").get<std::string>();
      if (!std::filesystem::exists(dir / "result.json")) continue;  // it could not start
      const std::string prefix = steps.size() > 1 ? fmt::format("{}.{}.", id, k + 1) : id + ".";
      for (const auto& [name, value] : run_figures(read_run(dir)))
        entry.figures[prefix + name] = value;
    }
  }
  entry.figures["checklist.ticked"] = ticked;
  entry.figures["checklist.failed"] = failed;
}

}  // namespace

HistoryEntry history_entry_of(const std::filesystem::path& dir) {
  HistoryEntry entry;
  entry.result_dir = std::filesystem::absolute(dir).lexically_normal().string();
  if (std::filesystem::exists(dir / "gate.json")) {
    entry.command = "gate";
    add_gate(entry, dir, read_json(dir / "gate.json"));
    return entry;
  }
  if (std::filesystem::exists(dir / "checklist.json")) {
    entry.command = "phase2";
    add_phase2(entry, read_json(dir / "checklist.json"));
    return entry;
  }
  const RunResult run = read_run(dir);
  entry.command = "run";
  entry.scenario = run.scenario;
  entry.figures = run_figures(run);
  entry.claims = claims_of(run.claims);
  if (std::filesystem::exists(dir / "soak.json")) {
    entry.command = "soak";
    add_soak(entry, dir);
  }
  return entry;
}

std::string scenario_hash(const std::filesystem::path& scenario,
                          const std::vector<std::string>& overrides) {
  const auto file = read_text_file(scenario);
  if (!file)
    throw std::runtime_error(
        fmt::format("cannot read {}: {}", scenario.string(), std::strerror(errno)));
  std::string text = *file;
  for (const auto& o : overrides) text += "\n--set " + o;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < 8 && i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string verdict_of_exit(int exit_code) {
  switch (exit_code) {
    case 0:
      return "passed";
    case 1:
      return "failed";
    case 130:
      return "interrupted";
    default:
      return "could not run";
  }
}

std::string utc_now_text() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace loadgate
