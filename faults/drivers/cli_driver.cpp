#include "faults/drivers/cli_driver.h"

#include <fmt/format.h>

namespace loadgate {

Argv aws_query(std::initializer_list<std::string> command, const std::string& query) {
  Argv argv = {"aws"};
  argv.insert(argv.end(), command);
  argv.insert(argv.end(), {"--query", query, "--output", "text"});
  return argv;
}

CliDriver::CliDriver(const FaultSpec& spec, std::string driver,
                     std::initializer_list<std::string_view> own_keys,
                     const std::filesystem::path& log_dir)
    : settings_(spec.settings),
      commands_(spec.settings, own_keys, log_dir, driver),
      kind_(spec.kind),
      driver_(std::move(driver)) {}

std::string CliDriver::describe() const {
  return fmt::format("{} by {} {}", kind_, driver_, target_);
}

std::string CliDriver::required(std::string_view key, std::string_view what) const {
  if (!settings_.has(key))
    settings_.fail(fmt::format("driver {} needs `{}`: {}", driver_, key, what));
  const std::string value = settings_.at(key).as_string();
  if (value.empty()) settings_.at(key).fail(fmt::format("`{}` is empty; it names {}", key, what));
  return value;
}

std::string CliDriver::optional(std::string_view key) const {
  const std::optional<ConfigNode> node = settings_.find(key);
  return node ? node->as_string() : std::string();
}

std::vector<std::string> CliDriver::plan_of(
    std::initializer_list<std::pair<std::string_view, std::string>> steps) const {
  std::vector<std::string> lines;
  for (const auto& [step, command] : steps)
    lines.push_back(FaultCommands::plan_line(step, command));
  for (auto& line : commands_.env_plan()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace loadgate
