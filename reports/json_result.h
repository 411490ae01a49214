// result.json: every number a run measured, in a versioned schema ("loadgate.result/3").
//
//   {schema, scenario, started_at (UTC ISO 8601), planned_duration_s, recorded_duration_s,
//    elapsed_s, interrupted, threads, targets: [url], timeline: "timeline.jsonl",
//    generator: {generator_bound, schedule_lag_p99_us, schedule_lag_threshold_us, cpu_max,
//                dropped, warnings: [text]},
//    workloads: [WORKLOAD],            totals over the recorded phases (warmup excluded)
//    phases: [{name, start_s, duration_s, recorded, workloads: [WORKLOAD]}],
//    ledgers: [LEDGER], faults: [FAULT], health: {checked, problems: [text]},
//    claims: [{id, file, source: {doc, quote}, metric, expect, verdict, measured, detail}],
//    deployment: {instances, vcpu_per_instance, topology: {name: number}},
//    slo: {metric: expectation}}
//   WORKLOAD = {name, kind, executor, offered_rate, achieved_rate, scheduled, attempts, ok,
//    expected_failures, dropped, error_count, errors: {class: count}, peak_vus,
//    latency_us / service_time_us / schedule_lag_us / error_latency_us: {count, min, mean, p50,
//    p90, p95, p99, p99_9, max, out_of_range, hdr}}   hdr: every bucket, HdrHistogram-encoded
// LEDGER and FAULT are as written in json_result.cpp; reports/result_reader.h reads it all back.
// Latency is from each request's intended start (coordinated omission corrected); service time
// from the moment it was sent. Both cover successful and expected-failure responses; errors have
// their own latency (intended start to failure), so a fault's timeouts do not hide in p99.
#pragma once

#include <filesystem>
#include <string>

#include "harness/results.h"

namespace loadgate {

inline constexpr const char* kResultSchema = "loadgate.result/3";

std::string result_to_json(const RunResult& result);
// Writes atomically (temporary file + rename), creating the directory.
void write_json_result(const RunResult& result, const std::filesystem::path& file);

}  // namespace loadgate
