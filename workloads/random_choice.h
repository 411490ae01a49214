// The random draws workloads share: ids (uniform or Zipf, as `ids:` configures them) and a
// weighted pick among a workload's requests or transactions. Tables are built once, off the
// clock; draws are a binary search.
//
//   ids: {min: 1, max: 1000, distribution: zipf, exponent: 1.1}   # or uniform (default)
#pragma once

#include <optional>
#include <vector>

#include "harness/config_node.h"
#include "harness/workload.h"

namespace loadgate {

// Ids in [min, max]: uniform, or Zipf with `exponent` (id `min` the most popular), sampled by
// inverting a cumulative table.
class IdDistribution {
 public:
  IdDistribution(int64_t min, int64_t max, std::optional<double> zipf_exponent);
  int64_t draw(Rng& rng) const;

 private:
  int64_t min_, max_;
  std::vector<double> cumulative_;  // empty for uniform
};

// The workload's `ids:` (default: uniform over 1..1000).
IdDistribution read_id_distribution(const ConfigNode& workload);

// Picks index i with probability weight[i] / sum of weights.
class WeightedChoice {
 public:
  void add(double weight);  // weights are above 0
  size_t draw(Rng& rng) const;

 private:
  std::vector<double> cumulative_;
};

}  // namespace loadgate
