// A scenario file turned into a checked plan: what to drive, at which rate, for how long,
// against which target. Workload-specific keys are left to each workload's factory, which
// reads them through the same ConfigNode so its errors carry the same file:line context.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/config_node.h"
#include "harness/load_profile.h"
#include "harness/rate_schedule.h"
#include "harness/tls_context.h"
#include "harness/units.h"

namespace loadgate {

struct TargetSpec {
  std::optional<std::string> testbed;  // "default" or a testbed directory
  bool via_edge = false;               // testbed: through its edge proxy (the load balancer)
  std::vector<std::string> urls;       // base URLs of the service instances
  // For per-instance and per-vCPU claims and model claims (a testbed knows its own; these win).
  std::optional<size_t> instances;
  std::optional<double> vcpu_per_instance;
  std::map<std::string, double> topology;  // pgbouncer_instances: 2, default_pool_size: 25, ...
  std::optional<int> bcrypt_cost;          // of the target's password hashes (a testbed knows)
  std::optional<std::string> calibration;  // `loadgate calibrate`'s file: physics ceilings
  // Hosts beyond this machine the run may reach (session/target_guard.h): names as written,
  // or "*.suffix"; loopback needs none.
  std::vector<std::string> allow;
};

// How a workload's requests are issued (the `executor:` of a workload).
//   open model:   constant-arrival-rate {rate, arrivals: uniform|poisson}
//                 ramping-arrival-rate  {start_rate, stages: [{target: 200/s, duration: 30s}]}
//                 capacity-search {start, max, step|factor, hold, min_samples, resolution}:
//                   the rate decided step by step (harness/rate_schedule.h)
//   closed model: constant-vus {vus, think}
//                 ramping-vus  {start_vus, stages: [{target: 50, duration: 30s}], think}
// Stages run from the start of the run; the last target is held until its end.
struct ExecutorSpec {
  enum class Model { open, closed };
  std::string type;
  Model model = Model::open;
  LoadProfile profile = LoadProfile::constant(0);  // requests/s (open) or VUs (closed)
  Arrivals::Spacing spacing = Arrivals::Spacing::uniform;
  Duration think{};                      // closed model: pause between a VU's requests
  std::optional<RateSearchSpec> search;  // capacity-search: the profile is its first step only
  size_t max_in_flight = 0;              // 0: the client's default
};

// A named stretch of the run. Phases follow each other; results are kept per phase, and a
// phase with record: false (by default the one named "warmup") is left out of the totals.
struct Phase {
  std::string name;
  Duration start{};
  Duration duration{};
  bool recorded = true;
};

struct WorkloadSpec {
  std::string name;  // the key under workloads:
  std::string kind;  // jwt, ...
  ExecutorSpec executor;
  ConfigNode settings;  // the whole workload mapping, for the workload's own keys
};

struct ClientSpec {
  unsigned threads = 1;  // generator threads, one io_context each
  Duration connect_timeout = std::chrono::seconds(2);
  Duration request_timeout = std::chrono::seconds(5);
  // A keep-alive connection idle longer is reopened before use and dropped from the pool. Keep
  // it below the target's own (nginx 75 s, AWS ALB 60 s, Node's http server 5 s), or the
  // server's close shows as a reset that is the client's doing.
  Duration idle_timeout = std::chrono::seconds(30);
  size_t max_in_flight = 1000;  // per workload; a request over it is dropped, not delayed
  // A longer response body fails as body_too_large: memory stays bounded by this times the
  // connections, whatever the target sends (the judges read tokens and JSON, not downloads).
  size_t max_response_body = 1 << 20;
  // Requests starting later than this at p99 mark the run generator-bound.
  Duration max_schedule_lag = std::chrono::milliseconds(10);
  Duration interval = std::chrono::seconds(1);  // timeline resolution
  TlsSettings tls;                              // for https targets
  // Open model: connections per workload (0: one per in-flight request). With a cap, a request
  // waits for a free connection, as with wrk2's fixed connections; the wait shows in latency.
  size_t connections = 0;
  // Seeds Poisson gaps, id draws, user and token picks: the same seed replays the same run.
  uint64_t seed = 1;
};

// A fault on the run's timeline (an item of `faults:`): injected `at` from the start of the run,
// recovered `recover_after` (or `duration`) later (0: straight away, as for a restart), and again
// `every` after that while the run lasts. The kind's own keys are left to its factory in faults/,
// as a workload's are.
struct FaultSpec {
  std::string kind;
  Duration at{};
  Duration recover_after{};
  Duration every{};  // 0: once
  ConfigNode settings;
};

struct Scenario {
  std::string name;
  std::filesystem::path file;
  TargetSpec target;
  Duration duration{};        // the sum of the phases
  std::vector<Phase> phases;  // `duration: 10s` alone is one phase named "main"
  ClientSpec client;
  std::vector<WorkloadSpec> workloads;
  std::vector<FaultSpec> faults;
  // Where to watch the deployment's connections during faults (faults/connection_observer.h);
  // read there, as a workload's own keys are read by the workload.
  std::optional<ConfigNode> observe;
  // The steady-state probes of each layer (observe/probes.h), read there.
  std::optional<ConfigNode> probes;
  std::vector<std::string> claims;  // claims files (reports/claims.h), relative ones resolved
                                    // against the scenario's folder
  // Service level every workload must meet for capacity to count: "errors.rate" → "< 1%",
  // "latency.p95" → "< 200ms" (harness/expectation.h).
  std::map<std::string, std::string> slo;
};

// Reads and checks `file`, with each "path.to.key=value" in `overrides` applied first (the value
// is parsed as YAML, so it is type-checked exactly as if it had been written in the file).
// Throws ConfigError with a one-line, located message on any problem.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides);

// The same from text already in memory; `file` only names it in errors.
Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides);

}  // namespace loadgate
