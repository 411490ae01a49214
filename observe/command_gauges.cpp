#include "observe/command_gauges.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "harness/process.h"
#include "harness/text_file.h"

namespace loadgate {
namespace {

// The last non-empty line, without surrounding blanks.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    last = line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
  }
  return last;
}

}  // namespace

GaugeReading read_gauge(const GaugeCommand& command, const std::filesystem::path& log_dir) {
  const std::string name = command.gauge.substr(std::string("command.").size());
  const auto log = log_dir / (name + ".log");
  const auto output = log_dir / (name + ".out");
  try {
    make_private_file(log);
    make_private_file(output);
    const int status = run_to_completion(
        {{"/bin/sh", "-c", command.run}, log, std::nullopt, command.env, output}, command.timeout);
    const std::string line = last_line(read_text_file(output).value_or(""));
    char* end = nullptr;
    const double value = std::strtod(line.c_str(), &end);
    if (status < 0) return {{}, fmt::format("ran past its {}", format_duration(command.timeout))};
    if (status != 0) return {{}, fmt::format("exited {} (its stderr: {})", status, log.string())};
    if (line.empty() || end != line.c_str() + line.size() || !std::isfinite(value))
      return {{}, fmt::format("printed '{}', not a number", line.substr(0, 80))};
    AppendedFile(log, /*append=*/true).write_line(fmt::format("{} = {:g}", command.gauge, value));
    return {value, ""};
  } catch (const std::exception& e) {
    return {{}, e.what()};
  }
}

std::vector<GaugeCommand> read_gauge_commands(const ConfigNode& commands) {
  static const std::regex name_pattern("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  std::vector<GaugeCommand> read;
  for (const auto& node : commands.as_list()) {
    node.allow_only({"name", "run", "every", "timeout"});
    GaugeCommand command;
    const std::string name = node.at("name").as_string();
    if (!std::regex_match(name, name_pattern))
      node.at("name").fail("letters, digits, '_' and '-', in parts joined by dots");
    for (const char* measure : {".max", ".min", ".rise", ".rose_after"})
      if (name.ends_with(measure))
        node.at("name").fail(fmt::format(
            "a claim would read {} as the measure of another gauge: name it otherwise", measure));
    command.gauge = "command." + name;
    for (const auto& other : read)
      if (other.gauge == command.gauge) node.at("name").fail("gauge names must be unique");
    command.run = node.at("run").as_string();
    if (command.run.empty()) node.at("run").fail("give the command line to run");
    if (auto every = node.find("every")) {
      command.every = every->as_duration();
      if (command.every < std::chrono::seconds(1)) every->fail("run a command at most every 1s");
    }
    command.timeout = std::min<Duration>(command.every, std::chrono::seconds(10));
    if (auto timeout = node.find("timeout")) {
      command.timeout = timeout->as_duration();
      // At most 10 s: the end of a run waits for a command under way.
      if (command.timeout <= Duration::zero() || command.timeout > command.every ||
          command.timeout > std::chrono::seconds(10))
        timeout->fail("give a timeout above 0, at most 10s and at most the command's `every`");
    }
    read.push_back(std::move(command));
  }
  return read;
}

CommandGauges::CommandGauges(std::vector<GaugeCommand> commands, std::filesystem::path log_dir)
    : commands_(std::move(commands)), log_dir_(std::move(log_dir)) {}

CommandGauges::~CommandGauges() {
  stop();
}

void CommandGauges::start() {
  if (commands_.empty()) return;
  std::filesystem::create_directories(log_dir_);
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void CommandGauges::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::map<std::string, double> CommandGauges::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(fresh_, {});
}

CommandGauges::Gaps CommandGauges::gaps() const {
  std::lock_guard lock(mutex_);
  return gaps_;
}

void CommandGauges::read(const GaugeCommand& command) {
  const GaugeReading reading = read_gauge(command, log_dir_);
  std::lock_guard lock(mutex_);
  if (reading.value)
    fresh_[command.gauge] = *reading.value;
  else if (gaps_.count++ == 0)
    gaps_.first_reason = fmt::format("{}: {}", command.gauge, reading.problem);
}

void CommandGauges::run(std::stop_token stop) {
  std::vector<Clock::time_point> due(commands_.size(), Clock::now());
  while (!stop.stop_requested()) {
    for (size_t i = 0; i < commands_.size() && !stop.stop_requested(); ++i)
      if (Clock::now() >= due[i]) {
        due[i] += commands_[i].every;
        read(commands_[i]);
        due[i] = std::max(due[i], Clock::now());  // a slow command skips, never bunches up
      }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace loadgate
