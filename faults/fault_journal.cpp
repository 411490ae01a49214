#include "faults/fault_journal.h"

#include <unistd.h>

#include <fstream>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "faults/fault_factory.h"
#include "harness/process.h"
#include "harness/scenario.h"

namespace loadgate {
namespace {

using nlohmann::json;
constexpr const char* kJournalSchema = "loadgate.faults/1";

}  // namespace

FaultJournal::FaultJournal(const std::filesystem::path& file, const JournalHeader& header)
    : out_(file) {
  json line = {{"journal", kJournalSchema},
               {"pid", header.pid},
               {"start_ticks", header.start_ticks},
               {"cwd", header.cwd.string()},
               {"scenario_file", header.scenario_file.string()},
               {"scenario", header.scenario},
               {"overrides", header.overrides},
               {"testbed", header.testbed ? json(header.testbed->string()) : json(nullptr)}};
  out_.write_line(line.dump());
}

FaultJournal::FaultJournal(const std::filesystem::path& file) : out_(file, /*append=*/true) {}

void FaultJournal::injecting(size_t occurrence, size_t fault, const std::string& description) {
  out_.write_line(
      json{{"injecting", occurrence}, {"fault", fault}, {"description", description}}.dump());
}

void FaultJournal::recovered(size_t occurrence) {
  out_.write_line(json{{"recovered", occurrence}}.dump());
}

void FaultJournal::recover_failed(size_t occurrence, const std::string& error) {
  out_.write_line(json{{"recover_failed", occurrence}, {"error", error}}.dump());
}

JournalContents read_journal(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot be read", file.string()));
  JournalContents contents;
  std::string text;
  for (size_t number = 1; std::getline(in, text); ++number) {
    const json line = json::parse(text, nullptr, false);
    // A run killed mid-write leaves a partial last line; what it was about to write never ran.
    if (line.is_discarded()) {
      if (in.peek() == EOF) break;
      throw std::runtime_error(fmt::format("{}:{}: not a JSON line", file.string(), number));
    }
    try {
      if (number == 1) {
        if (line.value("journal", "") != kJournalSchema)
          throw std::runtime_error(
              fmt::format("not a fault journal ({} expected)", kJournalSchema));
        JournalHeader& h = contents.header;
        h.pid = line.at("pid");
        h.start_ticks = line.at("start_ticks");
        h.cwd = line.at("cwd").get<std::string>();
        h.scenario_file = line.at("scenario_file").get<std::string>();
        h.scenario = line.at("scenario");
        h.overrides = line.at("overrides").get<std::vector<std::string>>();
        if (!line.at("testbed").is_null()) h.testbed = line.at("testbed").get<std::string>();
      } else if (line.contains("injecting")) {
        contents.pending.push_back(
            {line.at("injecting"), line.at("fault"), line.at("description"), ""});
        ++contents.injections;
      } else {
        const bool recovered = line.contains("recovered");
        const size_t occurrence = line.at(recovered ? "recovered" : "recover_failed");
        for (auto it = contents.pending.begin(); it != contents.pending.end(); ++it)
          if (it->occurrence == occurrence) {
            if (recovered)
              contents.pending.erase(it);
            else
              it->last_error = line.at("error");
            break;
          }
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    }
  }
  if (contents.header.pid == 0)
    throw std::runtime_error(fmt::format("{}: empty (the run wrote no header)", file.string()));
  return contents;
}

size_t recover_pending(const std::filesystem::path& out_dir, std::ostream& log) {
  // Absolute: the recovery runs in the run's own directory.
  const auto out = std::filesystem::absolute(out_dir);
  const auto file = out / "faults.journal";
  if (!std::filesystem::exists(file))
    throw std::runtime_error(
        fmt::format("{}: no fault journal (a run writes one there when its scenario has faults)",
                    file.string()));
  const JournalContents journal = read_journal(file);
  const JournalHeader& header = journal.header;
  if (process_alive(header.pid, header.start_ticks))
    throw std::runtime_error(fmt::format(
        "the run that wrote {} is still running (pid {}): stop it with Ctrl-C or SIGTERM, it "
        "recovers its faults itself; `recover` is for a run that was killed",
        file.string(), header.pid));
  if (journal.pending.empty()) {
    log << fmt::format("{}: all {} injection(s) were recovered; nothing to do\n", file.string(),
                       journal.injections);
    return 0;
  }
  // Commands run where the run ran them; the scenario is the run's, as it was then.
  std::filesystem::current_path(header.cwd);
  const Scenario scenario =
      parse_scenario(header.scenario, header.scenario_file.string(), header.overrides);
  FaultJournal marks(file);
  size_t failed = 0;
  for (const auto& pending : journal.pending) {
    log << fmt::format("recovering {} (occurrence {}, injected but never marked recovered{})\n",
                       pending.description, pending.occurrence,
                       pending.last_error.empty() ? "" : "; last try: " + pending.last_error);
    std::string error;
    try {
      if (pending.fault >= scenario.faults.size())
        throw std::runtime_error(fmt::format("the scenario has no fault number {}", pending.fault));
      auto fault =
          make_fault(scenario.faults[pending.fault], FaultContext{header.testbed, out / "faults"});
      fault->assume_injected();
      fault->recover();
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error.empty()) {
      marks.recovered(pending.occurrence);
      log << "  recovered\n";
    } else {
      marks.recover_failed(pending.occurrence, error);
      ++failed;
      log << fmt::format("  NOT RECOVERED: {}\n", error);
    }
  }
  return failed;
}

}  // namespace loadgate
