#include "reports/observations_file.h"

namespace loadgate {

void ObservationsFile::observe(const ObservedSample& sample) {
  lines_.write(
      {{"t", std::chrono::duration<double>(sample.at).count()}, {"gauges", sample.gauges}});
}

void read_observations(const std::filesystem::path& file,
                       const std::function<void(const ObservedSample&)>& each) {
  ObservedSample sample;
  read_json_lines(file, [&](const nlohmann::json& j) {
    sample_from_json(j, sample);
    each(sample);
  });
}

void sample_from_json(const nlohmann::json& j, ObservedSample& sample) {
  sample.at = std::chrono::round<Duration>(std::chrono::duration<double>(j.at("t").get<double>()));
  sample.gauges = j.at("gauges").get<std::map<std::string, double>>();
}

}  // namespace loadgate
