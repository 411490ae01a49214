#include "reports/observations_file.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {

ObservationsWriter::ObservationsWriter(const std::filesystem::path& file) : file_(file) {
  out_.open(file, std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

void ObservationsWriter::write(const ObservedSample& sample) {
  out_ << nlohmann::json{{"t", std::chrono::duration<double>(sample.at).count()},
                         {"gauges", sample.gauges}}
              .dump()
       << '\n';
  out_.flush();
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
