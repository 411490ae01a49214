#include "reports/observations_file.h"

namespace loadgate {

void ObservationsWriter::write(const ObservedSample& sample) {
  lines_.write(
      {{"t", std::chrono::duration<double>(sample.at).count()}, {"gauges", sample.gauges}});
}

Observations read_observations(const std::filesystem::path& file) {
  Observations observations;
  read_json_lines(file, [&](const nlohmann::json& j) {
    observations.samples.push_back(
        {std::chrono::round<Duration>(std::chrono::duration<double>(j.at("t").get<double>())),
         j.at("gauges").get<std::map<std::string, double>>()});
  });
  return observations;
}

}  // namespace loadgate
