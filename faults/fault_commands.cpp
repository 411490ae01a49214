#include "faults/fault_commands.h"

#include "harness/text_file.h"

#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "harness/process.h"

namespace loadgate {
namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

FaultCommands::FaultCommands(const ConfigNode& node,
                             std::initializer_list<std::string_view> own_keys,
                             const std::filesystem::path& log_dir,
                             const std::string& default_name) {
  std::vector<std::string_view> keys = {"name", "timeout", "check_every", "env"};
  keys.insert(keys.end(), own_keys);
  allow_fault_keys(node, keys);
  name_ = default_name.empty() || node.has("name") ? node.at("name").as_string() : default_name;
  if (name_.empty() || name_.find_first_of("/ ") != std::string::npos)
    node.at("name").fail("a name is one word (it names the fault's log file)");
  if (auto timeout = node.find("timeout")) timeout_ = timeout->as_duration();
  if (auto every = node.find("check_every")) check_every_ = every->as_duration();
  if (timeout_ <= Duration::zero()) node.at("timeout").fail("expected a duration above 0");
  if (check_every_ <= Duration::zero()) node.at("check_every").fail("expected a duration above 0");
  if (auto env = node.find("env"))
    for (const auto& key : env->map_keys()) env_.push_back(key + "=" + env->at(key).as_string());
  log_ = log_dir / (name_ + ".log");
  output_ = log_dir / (name_ + ".out");
}

std::string FaultCommands::shown(const Argv& command) {
  if (command.size() == 3 && command[0] == "/bin/sh" && command[1] == "-c") return command[2];
  std::vector<std::string> words;
  for (const auto& word : command) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_@%+=:,./-") == std::string::npos;
    if (plain) {
      words.push_back(word);
      continue;
    }
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    words.push_back(quoted + "'");
  }
  return fmt::format("{}", fmt::join(words, " "));
}

std::string FaultCommands::plan_line(std::string_view step, const std::string& what) {
  return fmt::format("{:<9}{}", fmt::format("{}:", step), what);
}

std::vector<std::string> FaultCommands::env_plan() const {
  std::vector<std::string> lines;
  for (const auto& variable : env_)
    lines.push_back(plan_line("env", variable.substr(0, variable.find('='))));
  return lines;
}

FaultCommands::Outcome FaultCommands::call(const Argv& command) const {
  // Private: a cloud CLI's answers (a describe call, an error) may carry account details.
  make_private_file(log_);
  make_private_file(output_);
  std::ofstream(log_, std::ios::app) << "$ " << shown(command) << "\n";
  // Each try of a check gets what is left of its wait, so the whole wait keeps to `timeout`.
  const Duration within =
      deadline_ ? std::max<Duration>(*deadline_ - Clock::now(), std::chrono::seconds(1)) : timeout_;
  Outcome outcome;
  outcome.status = run_to_completion({command, log_, std::nullopt, env_, output_}, within);
  outcome.output = read_all(output_);
  if (!outcome.output.empty()) std::ofstream(log_, std::ios::app) << outcome.output << "\n";
  return outcome;
}

std::string FaultCommands::run(std::string_view step, const Argv& command) const {
  Outcome outcome = call(command);
  if (outcome.status == 0) return std::move(outcome.output);
  throw FaultError(fmt::format("{} `{}` {} (log {}: {})", step, shown(command),
                               outcome.status < 0
                                   ? fmt::format("ran past {}", format_duration(timeout_))
                                   : fmt::format("exited {}", outcome.status),
                               log_.string(), tail_of(log_, 3)));
}

void FaultCommands::wait_until_done(const std::string& shown_check, std::string_view after,
                                    const Check& check) {
  deadline_ = Clock::now() + timeout_;
  struct Clear {
    std::optional<Clock::time_point>& deadline;
    ~Clear() { deadline.reset(); }
  } clear{deadline_};
  for (;;) {
    const std::string seen = check();
    if (seen.empty()) return;
    if (Clock::now() + check_every_ > *deadline_)
      throw FaultError(fmt::format("check `{}` did not pass within {} after {}: {} (log {})",
                                   shown_check, format_duration(timeout_), after, seen,
                                   log_.string()));
    std::this_thread::sleep_for(check_every_);
  }
}

void FaultCommands::wait_until_passes(std::string_view after, const Argv& check) {
  wait_until_done(shown(check), after, [&] {
    const int status = call(check).status;
    return status == 0 ? std::string() : fmt::format("it exited {}", status);
  });
}

void FaultCommands::wait_until_says(std::string_view after, const Argv& query,
                                    const std::string& answer) {
  wait_until_done(shown(query) + " (until " + answer + ")", after, [&] {
    const Outcome outcome = call(query);
    if (outcome.status != 0) return fmt::format("it exited {}", outcome.status);
    return outcome.output == answer ? std::string() : fmt::format("it said '{}'", outcome.output);
  });
}

}  // namespace loadgate
