#include "reports/observations_file.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {

void write_observations(const Observations& observations, const std::filesystem::path& file) {
  std::ofstream out(file);
  for (const auto& sample : observations.samples)
    out << nlohmann::json{{"t", std::chrono::duration<double>(sample.at).count()},
                          {"gauges", sample.gauges}}
               .dump()
        << '\n';
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

Observations read_observations(const std::filesystem::path& file) {
  Observations observations;
  std::ifstream in(file);
  if (!in) return observations;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      observations.samples.push_back(
          {std::chrono::round<Duration>(std::chrono::duration<double>(j.at("t").get<double>())),
           j.at("gauges").get<std::map<std::string, double>>()});
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
    }
  }
  return observations;
}

}  // namespace loadgate
