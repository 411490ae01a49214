#include "reports/histogram_json.h"

namespace loadgate {

nlohmann::json percentiles_json(const Histogram& h) {
  return {{"p50", h.value_at_percentile(50)},     {"p90", h.value_at_percentile(90)},
          {"p95", h.value_at_percentile(95)},     {"p99", h.value_at_percentile(99)},
          {"p99_9", h.value_at_percentile(99.9)}, {"max", h.max()}};
}

nlohmann::json histogram_json(const Histogram& h) {
  nlohmann::json j = percentiles_json(h);
  j["count"] = h.count();
  j["min"] = h.min();
  j["mean"] = h.mean();
  j["out_of_range"] = h.out_of_range();
  return j;
}

}  // namespace loadgate
