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
//       - {name: recorded-write, weight: 1, method: POST, path: /api/v1/items, expect: 201,
//          body: '{"name": "lg-{{uid}}", "write_id": "{{write_id}}"}'}
//     ledger: {query: "SELECT write_id FROM items WHERE write_id = ANY($1::text[])"}
// Placeholders: {{id}} (drawn from `ids`), {{uid}} (unique per request) and {{write_id}}: a write
// the ledger records and reads back after the run (see write_ledger.h). The ledger reads from
// the testbed's database, or from `ledger: {dsn: ..., password_env: ...}` (see db_target.h).
// `auth: {from: <login workload>}` sends each call with its virtual user's login token as a
// Bearer token (token_book.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/text_template.h"
#include "harness/workload.h"
#include "workloads/random_choice.h"
#include "workloads/token_book.h"
#include "workloads/workload_context.h"
#include "workloads/write_ledger.h"

namespace loadgate {

class Api : public Workload {
 public:
  Api(const WorkloadSpec& spec, const WorkloadContext& context);

  void prepare() override {}
  HttpRequest next(Rng& rng) const override;
  HttpRequest next_for(Rng& rng, size_t vu) const override;
  Outcome judge(const HttpRequest& request, const HttpResponse& response) const override;
  void unanswered(const HttpRequest& request, bool maybe_delivered) const override;

  std::shared_ptr<WriteLedger> ledger() const { return ledger_; }

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
    bool writes_ledger = false;  // uses {{write_id}}
    std::string ack_field = {};  // a write whose id the target returns in this field
  };
  Outcome judge_target_id_write(const Call& call, const HttpResponse& response) const;

  std::vector<Call> calls_;
  WeightedChoice choice_;
  IdDistribution ids_;
  std::shared_ptr<WriteLedger> ledger_;  // when a request uses {{write_id}}
  std::shared_ptr<TokenBook> auth_;      // auth: {from: login}: send its users' tokens
};

}  // namespace loadgate
