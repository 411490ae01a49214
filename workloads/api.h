// kind: api: DB-bound HTTP calls from templates, in a weighted mix (reads and writes, as a web
// app sees them), each with its expected status and an optional check of the JSON response.
//
//   items:
//     kind: api
//     executor: {type: constant-arrival-rate, rate: 200/s}
//     ids: {min: 1, max: 1000, distribution: zipf, exponent: 1.1}   # or uniform (default)
//     requests:
//       - {name: read, weight: 9, method: GET, path: "/api/v1/items/{{id}}", expect: 200,
//          check: {field: id, equals: "{{id}}"}}
//       - {name: write, weight: 1, method: POST, path: /api/v1/items, expect: 201,
//          body: '{"name": "lg-{{uid}}", "payload": "x"}'}
// Placeholders: {{id}} (drawn from `ids`) and {{uid}} (unique per request, for writes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/text_template.h"
#include "harness/workload.h"
#include "workloads/workload_context.h"

namespace loadgate {

// Ids in [min, max]: uniform, or Zipf with `exponent` (id `min` the most popular), sampled by
// inverting a cumulative table built once.
class IdDistribution {
 public:
  IdDistribution(int64_t min, int64_t max, std::optional<double> zipf_exponent);
  int64_t draw(Rng& rng) const;

 private:
  int64_t min_, max_;
  std::vector<double> cumulative_;  // empty for uniform
};

class Api : public Workload {
 public:
  Api(const WorkloadSpec& spec, const WorkloadContext& context);

  void prepare() override {}
  HttpRequest next(Rng& rng) const override;
  Outcome judge(const HttpRequest& request, const HttpResponse& response) const override;

 private:
  struct Call {
    std::string name;
    double weight = 1;
    std::string method;
    TextTemplate path;
    std::optional<TextTemplate> body;
    int expect = 200;
    std::string check_field;  // empty: no check
    std::optional<TextTemplate> check_equals;
  };
  std::vector<Call> calls_;
  std::vector<double> cumulative_weight_;
  IdDistribution ids_;
};

}  // namespace loadgate
