#include "reports/histogram_json.h"

#include "reports/hdr_encoding.h"

namespace loadgate {

nlohmann::json histogram_json(const Histogram& h) {
  return {{"count", h.count()},
          {"min", h.min()},
          {"mean", h.mean()},
          {"p50", h.value_at_percentile(50)},
          {"p90", h.value_at_percentile(90)},
          {"p95", h.value_at_percentile(95)},
          {"p99", h.value_at_percentile(99)},
          {"p99_9", h.value_at_percentile(99.9)},
          {"max", h.max()},
          {"out_of_range", h.out_of_range()},
          {"hdr", encode_compressed_base64(h)}};
}

Histogram histogram_from_json(const nlohmann::json& j) {
  return Histogram::from_counts(decode_compressed_base64(j.at("hdr").get<std::string>()),
                                j.at("min").get<int64_t>(), j.at("max").get<int64_t>(),
                                j.at("mean").get<double>(), j.at("out_of_range").get<uint64_t>());
}

}  // namespace loadgate
