// `loadgate calibrate`: the physics ceilings of this machine (harness/calibration.h), written to a
// file a scenario names as `target.calibration`.
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

void add_calibrate_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
