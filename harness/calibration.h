// Physics ceilings: how much of the CPU-bound work a capacity claim is about (a bcrypt
// verification per login, a signature check per JWT validation) one core does per second.
// `loadgate calibrate` measures it on this machine (or on a machine of the target's CPU class)
// and writes it to a file; a scenario names the file (`target.calibration`), and a capacity
// claim above ceiling × vCPUs is then called what it is: physically impossible on that
// hardware, whatever a run could offer.
//
//   {"schema": "loadgate.calibration/1", "cpu": "Intel(R) Xeon(R) ...",
//    "bcrypt_verify_per_core": {"10": 19.2, "12": 4.8},
//    "jwt_verify_per_core": {"HS256": 190000, "RS256": 21000, "ES256": 9000}}
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/units.h"

namespace loadgate {

struct Calibration {
  std::string cpu;                                    // /proc/cpuinfo's model name
  std::map<int, double> bcrypt_verify_per_core;       // by cost: verifications/s on one core
  std::map<std::string, double> jwt_verify_per_core;  // by algorithm: verifications/s on one core
};

// Measures each figure on the calling thread for about `each` (at least a few operations).
Calibration calibrate(const std::vector<int>& bcrypt_costs, Duration each);

nlohmann::json calibration_to_json(const Calibration& calibration);
// Throws std::runtime_error naming the file when it cannot be read or is not a calibration.
Calibration read_calibration(const std::filesystem::path& file);

}  // namespace loadgate
