// The contract between the harness and a workload (one implementation per file in workloads/).
//
// A workload never sees a socket or a thread: the harness asks it for a request, sends it, and
// asks it to judge the response. next() and judge() are called concurrently from every
// generator thread, so they must only read what prepare() built (or what guards itself, like a
// write ledger).
//
// A workload whose requests are blocking calls (SQL through libpqxx) implements BlockingWorkload
// instead: the harness runs its calls on threads of their own, never on a generator's
// io_context, so a stalled database cannot stall the HTTP workloads that share the thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include "harness/clock.h"
#include "harness/error_class.h"
#include "harness/http_types.h"

namespace loadgate {

using Rng = std::mt19937_64;
constexpr size_t kAnyVu = SIZE_MAX;  // a request of the open model, which has no virtual users

struct Outcome {
  enum class Kind { ok, expected_failure, error };
  Kind kind = Kind::ok;
  ErrorClass error_class;  // set for errors: "http_500", "bad_response", ...
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Off the clock, before the run: load users, pre-mint tokens. Throws on failure.
  virtual void prepare() = 0;
  // Builds one request; no I/O.
  virtual HttpRequest next(Rng& rng) const = 0;
  // The same for virtual user `vu` (closed model; kAnyVu in the open model). Only a workload
  // that keeps state per virtual user, such as the token its login returned, overrides this.
  virtual HttpRequest next_for(Rng& rng, size_t /*vu*/) const { return next(rng); }
  // Whether the response is the one this request should get.
  virtual Outcome judge(const HttpRequest& request, const HttpResponse& response) const = 0;
  // The request got no response (its outcome is a transport error): `maybe_delivered` is false
  // only when it certainly never reached the target (no connection). A write ledger needs this.
  virtual void unanswered(const HttpRequest& /*request*/, bool /*maybe_delivered*/) const {}
};

struct CallResult {
  Outcome outcome;
  Clock::time_point sent_at{};  // when the call began talking to the target (after pool waits)
};

class BlockingWorkload {
 public:
  virtual ~BlockingWorkload() = default;
  // Off the clock, before the run: check the targets, build the pools. Throws on failure.
  virtual void prepare() = 0;
  // How many calls may block at once; the harness gives the workload that many threads.
  virtual size_t max_concurrent_calls() const = 0;
  // One request from start to finish, bounded in time by the workload's own timeouts. `seed`
  // makes its random choices replayable. Called concurrently from the harness's threads.
  virtual CallResult call(uint64_t seed) = 0;
};

}  // namespace loadgate
