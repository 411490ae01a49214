// result.json: every number a run measured, in a versioned schema ("loadgate.result/4").
//
//   {schema, scenario, started_at (UTC ISO 8601), planned_duration_s, recorded_duration_s,
//    elapsed_s, interrupted, threads, interval_s, stopped_by (why a run ended early, or ""),
//    targets: [url], timeline: "timeline.jsonl",
//    generator: GENERATOR,             over the recorded phases
//    observed: {samples, highest: {gauge: value}},   the deployment observer's peaks
//    workloads: [WORKLOAD],            totals over the recorded phases (warmup excluded)
//    phases: [{name, start_s, duration_s, recorded, generator: GENERATOR, observed,
//              workloads: [WORKLOAD]}],
//    ledgers: [LEDGER], faults: [FAULT], health: {checked, problems: [text]},
//    claims: [{id, file, source: {doc, quote}, metric, expect, verdict, measured, detail}],
//    windows: [{scope: "during failover", intervals, length_s, generator: GENERATOR, observed,
//               workloads: [WORKLOAD]}],   the fault window scopes the claims were judged in
//    capacity: {workload: {capacity, highest_rate, slo_broken, evidence, why,        searched
//               search: {start, max, step, factor, hold_s, min_samples, resolution},
//               steps: [{rate, from_s, length_s, attempts, successes_per_s, met, detail}]}},
//    deployment: {instances, vcpu_per_instance, topology: {name: number}},
//    slo: {metric: expectation}}
//   GENERATOR = {generator_bound, schedule_lag_p99_us, schedule_lag_threshold_us, cpu_max,
//                dropped, warnings: [text]}
//   WORKLOAD = {name, kind, executor, offered_rate, achieved_rate, scheduled, attempts, ok,
//    expected_failures, dropped, error_count, errors: {class: count}, peak_vus, peak_in_flight,
//    latency_us / service_time_us / schedule_lag_us / error_latency_us: {count, min, mean, p50,
//    p90, p95, p99, p99_9, max, out_of_range, hdr}}   hdr: every bucket, HdrHistogram-encoded
// LEDGER and FAULT are as written in json_result.cpp. Everything counted here is the fold of
// timeline.jsonl and observations.jsonl (reports/run_fold.h); reports/result_reader.h reads
// the rest back and folds those files again.
// Latency is from each request's intended start (coordinated omission corrected); service time
// from the moment it was sent. Both cover successful and expected-failure responses; errors have
// their own latency (intended start to failure), so a fault's timeouts do not hide in p99.
#pragma once

#include <string>

#include "harness/results.h"

namespace loadgate {

inline constexpr const char* kResultSchema = "loadgate.result/4";

std::string result_to_json(const RunResult& result);

}  // namespace loadgate
