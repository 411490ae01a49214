#include "workloads/random_choice.h"

#include <algorithm>
#include <cmath>

namespace loadgate {

IdDistribution::IdDistribution(int64_t min, int64_t max, std::optional<double> zipf_exponent)
    : min_(min), max_(max) {
  if (!zipf_exponent) return;
  const auto n = static_cast<size_t>(max - min + 1);
  cumulative_.resize(n);
  double sum = 0;
  for (size_t k = 0; k < n; ++k)
    cumulative_[k] = sum += 1.0 / std::pow(static_cast<double>(k + 1), *zipf_exponent);
  for (double& c : cumulative_) c /= sum;
}

int64_t IdDistribution::draw(Rng& rng) const {
  if (cumulative_.empty()) return std::uniform_int_distribution<int64_t>(min_, max_)(rng);
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
  return min_ + std::min<int64_t>(it - cumulative_.begin(), max_ - min_);
}

IdDistribution read_id_distribution(const ConfigNode& workload) {
  auto node = workload.find("ids");
  if (!node) return IdDistribution(1, 1000, std::nullopt);
  node->allow_only({"min", "max", "distribution", "exponent"});
  const int64_t min = node->find("min") ? node->at("min").as_integer(0, INT64_MAX / 2) : 1;
  const int64_t max = node->find("max") ? node->at("max").as_integer(0, INT64_MAX / 2) : 1000;
  if (max < min) node->fail("max must not be below min");
  std::optional<double> exponent;
  const std::string kind =
      node->find("distribution") ? node->at("distribution").as_string() : "uniform";
  if (kind == "zipf") {
    exponent = node->find("exponent") ? node->at("exponent").as_number() : 1.0;
    if (*exponent <= 0) node->at("exponent").fail("the Zipf exponent is above 0");
    if (max - min >= 10'000'000) node->fail("a Zipf range holds at most 10,000,000 ids");
  } else if (kind != "uniform") {
    node->at("distribution").fail("expected uniform or zipf");
  }
  return IdDistribution(min, max, exponent);
}

void WeightedChoice::add(double weight) {
  cumulative_.push_back((cumulative_.empty() ? 0 : cumulative_.back()) + weight);
}

size_t WeightedChoice::draw(Rng& rng) const {
  const double u = std::uniform_real_distribution<double>(0, cumulative_.back())(rng);
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return static_cast<size_t>(
      std::min<std::ptrdiff_t>(it - cumulative_.begin(), std::ssize(cumulative_) - 1));
}

}  // namespace loadgate
