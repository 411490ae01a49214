// The contract between the harness and a workload (one implementation per file in workloads/).
//
// A workload never sees a socket or a thread: the harness asks it for a request, sends it, and
// asks it to judge the response. next() and judge() are called concurrently from every
// generator thread, so they must only read what prepare() built.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "harness/http_types.h"

namespace loadgate {

using Rng = std::mt19937_64;

struct Outcome {
  enum class Kind { ok, expected_failure, error };
  Kind kind = Kind::ok;
  std::string error_class;  // set for errors: "http_500", "bad_response", ...
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Off the clock, before the run: load users, pre-mint tokens. Throws on failure.
  virtual void prepare() = 0;
  // Builds one request; no I/O.
  virtual HttpRequest next(Rng& rng) const = 0;
  // Whether the response is the one this request should get.
  virtual Outcome judge(const HttpRequest& request, const HttpResponse& response) const = 0;
};

}  // namespace loadgate
