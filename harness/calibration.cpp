#include "harness/calibration.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/clock.h"
#include "harness/jwt.h"
#include "harness/password_hash.h"
#include "harness/text_file.h"

namespace loadgate {
namespace {

constexpr const char* kSchema = "loadgate.calibration/1";

// Operations per second of `op` on this thread, over about `each` and at least 3 operations.
template <typename Op>
double per_second(Duration each, Op op) {
  const auto start = Clock::now();
  uint64_t done = 0;
  Duration spent{};
  while (done < 3 || spent < each) {
    op();
    ++done;
    spent = Clock::now() - start;
  }
  return static_cast<double>(done) / std::chrono::duration<double>(spent).count();
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0)
      if (auto colon = line.find(':'); colon != std::string::npos)
        return line.substr(line.find_first_not_of(" \t", colon + 1));
  return "unknown";
}

}  // namespace

Calibration calibrate(const std::vector<int>& bcrypt_costs, Duration each) {
  Calibration c;
  c.cpu = cpu_model();
  for (int cost : bcrypt_costs) {
    const std::string hash = bcrypt_hash("calibration", cost);
    c.bcrypt_verify_per_core[cost] = per_second(each, [&] {
      if (!bcrypt_verify("calibration", hash))
        throw std::logic_error("bcrypt calibration: a hash did not verify");
    });
  }
  const auto now = std::chrono::system_clock::now();
  const JwtClaims claims{"user1", "loadgate", now, now + std::chrono::hours(1)};
  for (auto algorithm : {JwtAlgorithm::HS256, JwtAlgorithm::RS256, JwtAlgorithm::ES256}) {
    JwtKeys keys;
    std::string signing_key;
    if (algorithm == JwtAlgorithm::HS256) {
      signing_key = keys.hs256_secret = "calibration-secret-of-32-bytes!!";
    } else {
      auto pair = generate_jwt_key_pair(algorithm);
      signing_key = pair.private_pem;
      (algorithm == JwtAlgorithm::RS256 ? keys.rs256_public_pem : keys.es256_public_pem) =
          pair.public_pem;
    }
    const std::string token = mint_jwt(claims, algorithm, signing_key);
    c.jwt_verify_per_core[std::string(jwt_algorithm_name(algorithm))] = per_second(each, [&] {
      if (!verify_jwt(token, keys, now))
        throw std::logic_error("JWT calibration: a token did not verify");
    });
  }
  return c;
}

nlohmann::json calibration_to_json(const Calibration& c) {
  nlohmann::json bcrypt = nlohmann::json::object();
  for (const auto& [cost, rate] : c.bcrypt_verify_per_core) bcrypt[std::to_string(cost)] = rate;
  return {{"schema", kSchema},
          {"cpu", c.cpu},
          {"bcrypt_verify_per_core", bcrypt},
          {"jwt_verify_per_core", c.jwt_verify_per_core}};
}

Calibration read_calibration(const std::filesystem::path& file) {
  const auto text = read_text_file(file);
  if (!text) throw std::runtime_error(fmt::format("cannot read the calibration {}", file.string()));
  try {
    const auto j = nlohmann::json::parse(*text);
    if (j.value("schema", "") != kSchema)
      throw std::invalid_argument(fmt::format("schema is not {}", kSchema));
    Calibration c;
    c.cpu = j.at("cpu");
    for (const auto& [cost, rate] : j.at("bcrypt_verify_per_core").items())
      c.bcrypt_verify_per_core[std::stoi(cost)] = rate.get<double>();
    c.jwt_verify_per_core = j.at("jwt_verify_per_core").get<std::map<std::string, double>>();
    return c;
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("{}: not a calibration (write one with `loadgate calibrate -o {}`): {}",
                    file.string(), file.string(), e.what()));
  }
}

}  // namespace loadgate
