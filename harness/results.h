// What a run measured: plain data, no I/O. Report formats in reports/ read these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/clock.h"
#include "harness/histogram.h"
#include "harness/interval_record.h"
#include "harness/linear_trend.h"
#include "harness/rate_schedule.h"
#include "harness/units.h"

namespace loadgate {

// A workload's results over a stretch of the run (the recorded phases, a phase, fault windows):
// the sum of its intervals there.
struct WorkloadResult {
  std::string name;
  std::string kind;
  std::string executor;            // constant-arrival-rate, ramping-vus, ...
  double offered_rate = 0;         // open model: mean requests/s the schedule asked for
  uint64_t scheduled = 0;          // open model: arrivals due (dropped ⊂ scheduled)
  uint64_t dropped = 0;            // scheduled but not sent: max_in_flight was reached
  uint64_t ok = 0;                 // response judged right
  uint64_t expected_failures = 0;  // a failure the workload asked for (e.g. 401 for a bad token)
  ErrorCounts errors;              // attempts = ok + expected_failures + errors
  uint64_t peak_vus = 0;           // closed model: most VUs running at an interval's end
  uint64_t peak_in_flight = 0;     // most requests out at an interval's end
  Histogram latency;       // µs from the intended start to the end of the response (ok + expected)
  Histogram service_time;  // µs from the actual send to the end of the response (ok + expected)
  Histogram schedule_lag;  // µs by which the generator started requests late (open model)
  Histogram error_latency;  // µs from the intended start until a request failed (errors only)

  uint64_t error_count() const;
  uint64_t attempts() const { return ok + expected_failures + error_count(); }
  void add(const WorkloadInterval& interval);
  void merge(const WorkloadResult& other);
  // The same workload (name, kind, executor, offered rate) with nothing counted.
  WorkloadResult planned() const;
};

// What a workload's write ledger found: how its writes ended and, read back after the run,
// which are in the database. `lost` (acknowledged, then missing) fails the run.
struct LedgerResult {
  std::string workload;
  uint64_t acknowledged = 0, failed = 0, in_doubt = 0;
  bool verified = false;     // the read-back ran
  std::string verify_error;  // why it did not
  uint64_t acknowledged_present = 0;
  uint64_t lost = 0;
  // Of the lost, acknowledged writes whose id the target had acknowledged before (ack_id): it gave
  // the id again, so the earlier write's row is gone though the id reads back present.
  uint64_t reissued = 0;
  uint64_t in_doubt_present = 0, in_doubt_absent = 0;
  uint64_t failed_present = 0;  // reported failed but written: a target that said no and did it
  // The target's ids (ack_id): writes that failed or got no answer carry none. Counted, not read
  // back.
  uint64_t without_id = 0;
  std::vector<std::string> lost_ids = {};  // the first few
};

// Whether the numbers describe the target or the load generator's own limits.
struct GeneratorCheck {
  bool generator_bound = false;  // lag beyond the threshold: results are not the target's
  int64_t schedule_lag_p99_us = 0;
  int64_t schedule_lag_threshold_us = 0;
  double cpu_max = 0;  // busiest generator thread in any interval, 0..1
  uint64_t dropped = 0;
  std::vector<std::string> warnings;  // human-readable, one per finding
};

// The deployment observer's gauges over a stretch of the run (observe/deployment_observer.h names
// them): each one's highest sample there. A gauge never read there is absent.
struct ObservedSample;
struct ObservedPeaks {
  size_t samples = 0;
  std::map<std::string, double> highest, lowest;
  // Each gauge's first sample in the scope, when it came, how far it rose above it and how long
  // after it the gauge first went above it: how fast a fleet scaled out (a command gauge of its
  // running tasks). Merged over several windows: the least rise and the slowest, and the gauges
  // that stayed flat in some window (their rose_after is then "never").
  std::map<std::string, double> first, rise;
  std::map<std::string, Duration> first_at, rose_after;
  std::set<std::string> stayed_flat;
  // Each gauge against time in hours from the run's start: a leak's slope (harness/linear_trend.h).
  std::map<std::string, LinearTrend> trend;

  std::optional<double> max(const std::string& gauge) const;
  void add(const ObservedSample& sample);
  // Another stretch's (a later fault window of the same kind): extremes kept, the slowest rise.
  void merge(const ObservedPeaks& other);
};

// One phase of the run (warmup, steady, ...): the intervals whose start falls in it.
struct PhaseResult {
  std::string name;
  Duration start{};
  Duration duration{};
  bool recorded = true;  // counted in the run's totals
  std::vector<WorkloadResult> workloads;
  GeneratorCheck generator = {};  // the generator's schedule within this phase alone
  ObservedPeaks observed = {};
};

// One sample of the deployment observer (observe/deployment_observer.h): a set of gauges,
// "db.backend_connections", "db.replica_lag" (s), "pgbouncer.cl_waiting", "pgbouncer.maxwait"
// (s), "process.postgres.cpu" (share of one core), "process.service.rss" (bytes), ... A gauge
// that could not be read at a sample is absent from it. Streamed to observations.jsonl, never
// kept: the fold keeps each gauge's peaks (ObservedPeaks) and a chart's worth of points.
struct ObservedSample {
  Duration at{};
  std::map<std::string, double> gauges;
};

// What is known of the deployment under test, for per-instance and per-vCPU claims and for
// model claims about its topology: the scenario's `target:` says, or the testbed knows itself.
struct Deployment {
  size_t instances = 0;                         // service instances behind the target (0: unknown)
  double vcpu_per_instance = 0;                 // 0: unknown
  std::map<std::string, double> topology = {};  // pgbouncer_instances, default_pool_size, ...
  int bcrypt_cost = 0;                          // of its password hashes (0: unknown)
  // A workload's physics ceiling (harness/calibration.h): what one core does per second of the
  // CPU-bound work each of its requests costs the target.
  struct Ceiling {
    double per_core = 0;
    std::string work;  // "bcrypt verification at cost 12", "HS256 verification"
  };
  std::map<std::string, Ceiling> ceilings = {};  // by workload
};

// What one fault did to one workload, read from the timeline (so at its resolution,
// client.interval): offsets from the start of the injection to the end of the interval that
// showed it.
struct FaultImpact {
  std::string workload;
  double baseline_rate = 0;               // successes/s in the 10 s before the fault
  std::optional<Duration> first_error;    // the first interval with an error
  Duration downtime{};                    // the longest stretch of intervals without a success
  std::optional<Duration> first_success;  // the first success once it was hit (0: never hit)
  // Back for good: the first interval after the last bad one (errors, or successes below 95 %
  // of the baseline). Empty: still bad when the window ended: NOT RECOVERED.
  std::optional<Duration> recovered;
  ErrorCounts errors;  // from the injection to the recovery (or the window's end)
};

// A connection count around a fault window: the last sample before it, the highest and the
// last within it. -1: not observed.
struct ConnectionCounts {
  int64_t before = -1, peak = -1, after = -1;
};

// A workload's clients (pool connections) after a fault: of those that tried again within the
// deadline, how many succeeded; the others are named (up to 20).
struct ClientRecovery {
  std::string workload;
  std::string kind;  // "pool connection"
  size_t total = 0, tried = 0, recovered = 0;
  std::vector<std::string> not_recovered = {};
};

// A steady-state probe (observe/probes.h) changing state: up → down or back, at an offset from
// the run's start. Only changes are kept: a soak's record grows with outages, not with time.
struct ProbeChange {
  size_t probe = 0;  // index in RunResult::probes
  Duration at{};     // down: when the failed try began; up: when the good one ended
  bool up = false;
  std::string reason = {};  // why it failed (down only)
};

// One steady-state probe's layer in one fault window (observe/probes.h): offsets from the start
// of the injection, at the probes' resolution (probes.every).
struct LayerOutage {
  std::string probe;
  std::optional<Duration> down;  // the first failed try (0: already down); empty: never down
  std::optional<Duration> back;  // up for good from here; empty while down: NEVER BACK
  std::string reason = {};       // why its first failed try failed
};

// One injection of a fault as it happened, in offsets from the run's start.
struct FaultEvent {
  std::string kind;         // what happened to the system: failover, or a kind of the user's
  std::string description;  // "pgbouncer-restart kill of pgbouncer-1"
  std::string driver;       // how it was done: testbed, pgbouncer-console, proxy, command
  Duration started_at{};    // when inject() was called: the fault may act from here on
  Duration injected_at{};   // when inject() returned (the fault is in place)
  Duration recovered_at{};  // when recover() returned
  bool injected = false, recovered = false;
  std::string error = {};                 // why inject or recover failed
  std::vector<FaultImpact> impacts = {};  // per workload, until the next fault or the run's end
  // Each write ledger read back right after the recovery: writes lost to this fault show here
  // (and again in the run's own read-back at the end).
  std::vector<LedgerResult> ledgers = {};
  // What the fault measured of itself (Fault::timings): "promoted" → 0.4 s, "held_for" → 11 s.
  std::map<std::string, Duration> timings = {};
  std::vector<ClientRecovery> clients = {};  // per workload that tracks its clients
  // The deployment's connections (testbed): client backends on the primary, and the
  // pgbouncers' clients and server connections.
  ConnectionCounts postgres_backends = {}, pgbouncer_clients = {}, pgbouncer_servers = {};
  // Each probed layer, in the scenario's order (from the database up): when it went down and
  // came back, to attribute the downtime (reports/downtime_attribution.h).
  std::vector<LayerOutage> layers = {};
};

// A steady-state probe (observe/probes.h) and how the run found it.
struct ProbeInfo {
  std::string name;
  std::string layer;    // sql, pgbouncer, http, command
  std::string target;   // the DSN (no password), URL or command, as shown
  std::string through;  // an sql probe's pgbouncer probe, when its DSN is that pgbouncer's address
  bool writable = false;                            // an sql probe that asks for a primary
  std::optional<Duration> server_login_retry = {};  // a pgbouncer's, from SHOW CONFIG
  std::string after = {};  // why it failed at the end of the run (empty: it held)
  uint64_t tries = 0, failed = 0;
};

// Where a fault's window lies, in offsets from the run's start: from the start of its injection
// (a fault may act from there: a graceful shutdown pauses clients while it drains) through its
// recovery, to where the next injected fault starts or the run ends. Only injected faults have
// one; the one computation of it is fault_windows().
struct FaultWindow {
  size_t event = 0;  // index in RunResult::faults
  Duration start{}, recovered{}, end{};
};
std::vector<FaultWindow> fault_windows(const std::vector<FaultEvent>& events, Duration run_end);

// Which fault windows a claim is judged in: "during failover" (each injection to its recovery),
// "after failover" (to the window's end from when every workload was back for good, as
// measured, or with a settle time from the recover step + settle), "before failover" (the
// previous fault's recovery, or the start, to the injection). All windows of the kind count
// together.
struct FaultWindowScope {
  enum class Part { before, during, after };
  Part part = Part::during;
  std::string kind;                // failover, wake, ...
  std::string text;                // as written: "during failover"
  std::optional<Duration> settle;  // after only: from the recover step + settle
  bool operator==(const FaultWindowScope& other) const = default;
  // "after failover, settle 30s": the text, with the settle time when there is one.
  std::string label() const;
};

// A fault window scope's numbers: its intervals added up, its observer samples' peaks.
struct WindowResult {
  FaultWindowScope scope;
  size_t intervals = 0;
  Duration length{};  // of its intervals together
  std::vector<WorkloadResult> workloads;
  GeneratorCheck generator;
  ObservedPeaks observed;
  // An "after" scope: where its part of each window began ("the measured recovery"), and the
  // windows it has none of because a workload never came back ("items after the failover at
  // 2m"): a claim on it is then broken, whatever it measures.
  std::string starts = {};
  std::vector<std::string> never_recovered = {};
};

// One step of an adaptive capacity search (reports/rate_search.h): a rate offered, judged
// against the SLO over the stretch after its first interval.
struct CapacityStep {
  double rate = 0;            // requests/s offered
  Duration from{}, length{};  // the judged stretch
  uint64_t attempts = 0;
  double successes_per_s = 0;
  bool met = false;
  std::string detail;  // "errors 0.00%, p95 210ms", or what broke the SLO
};

// The capacity search over one workload's recorded intervals: over sliding windows of any run
// (reports/service_level.h), or the steps of a capacity-search executor (reports/rate_search.h).
struct CapacitySearch {
  std::optional<double> capacity;  // successes/s over the best sustained window; empty: none met
  double highest_rate = 0;         // the highest rate any sustained window reached, SLO or not
  bool slo_broken = false;         // some window with load broke the SLO: the ceiling was found
  std::string evidence;            // "5 s from 41s meeting the SLO"
  std::string why;                 // when nothing could be searched
  std::vector<CapacityStep> steps = {};  // capacity-search: every step, in order
};

// What the HTML report draws: at most about a thousand points a series, however long the run
// (consecutive intervals merged, their percentiles from the summed histograms; observer samples
// by their highest in each stretch).
struct ChartPoint {
  struct Workload {
    uint64_t successes = 0, errors = 0;
    int64_t p50_us = 0, p99_us = 0;
  };
  Duration end{}, length{};
  std::vector<Workload> workloads;  // in the run's order
};
struct Charts {
  std::vector<ChartPoint> timeline;
  std::map<std::string, std::vector<std::pair<Duration, double>>> gauges;  // by gauge
};

// A claim from a claims file, judged against the run (reports/claims.h).
struct ClaimVerdict {
  enum class Status { held, broken, not_measured };
  std::string id;
  std::string file;  // the claims file
  std::string source_doc, source_quote;
  std::string metric, expect;
  Status status = Status::not_measured;
  std::string measured;  // formatted ("7.4/s"); empty when nothing was measured
  std::string detail;    // why not measured, or the evidence ("items, recorded phases")
};
const char* status_name(ClaimVerdict::Status status);  // "held", "broken", "not measured"

// A run: what was planned and what happened (from the session, or read back from result.json),
// and what the fold added up from its intervals and observations (reports/run_fold.h).
struct RunResult {
  std::string scenario;
  std::vector<std::string> targets;
  WallClock::time_point started_at;
  Duration planned_duration{};
  Duration elapsed{};            // from the first intended start to the last response
  Duration recorded_duration{};  // total length of the recorded phases
  bool interrupted = false;      // stopped early by SIGINT/SIGTERM
  unsigned threads = 1;
  Duration interval = std::chrono::seconds(1);  // the timeline's resolution (client.interval)
  std::vector<WorkloadResult> workloads;        // totals over the recorded phases
  std::vector<PhaseResult> phases;
  GeneratorCheck generator;
  std::vector<LedgerResult> ledgers;  // one per workload that records its writes
  std::vector<FaultEvent> faults;     // in the order they were injected
  // After faults: whether the deployment was checked, and what is wrong with it (empty: healthy).
  bool health_checked = false;
  std::vector<std::string> health_problems = {};
  std::vector<ProbeInfo> probes = {};  // the scenario's steady-state probes
  std::vector<ClaimVerdict> claims = {};
  Deployment deployment = {};
  // The scenario's service level: "errors.rate" → "< 1%", "latency.p95" → "< 200ms", for every
  // workload. Capacity is judged only where it was met.
  std::map<std::string, std::string> slo = {};
  // Why the run ended early without being asked to (a results file could not be written).
  std::string stopped_by = {};
  // What went wrong beside the load without ending the run: "observer: 3 samples missed (...)".
  std::vector<std::string> warnings = {};
  // The time the totals cover: the recorded phases, or the part of them the run got through
  // when it ended early (interrupted, or stopped_by). Rates are over this.
  Duration measured_duration() const;
  // The same of one phase.
  Duration measured_duration(const PhaseResult& phase) const;
  // Folded from the intervals and observations:
  ObservedPeaks observed = {};                          // over the whole run
  std::vector<WindowResult> windows = {};               // the fault window scopes claims asked for
  std::map<std::string, CapacitySearch> capacity = {};  // by workload, where claims asked
  // The workloads whose executor is a capacity search, and how: the fold replays each search
  // over the intervals and finds the steps the run took.
  std::map<std::string, RateSearchSpec> rate_searches = {};
  Charts charts = {};
  // A soak's windows (`loadgate soak`): each workload's windowed figures against time in hours,
  // "items.latency.p99" → its line, for the claims on their slopes ("items.latency.p99.slope").
  std::map<std::string, LinearTrend> window_trends = {};
};

}  // namespace loadgate
