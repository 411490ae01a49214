// Reads a loadgate run's HdrHistogram outputs with hdr-histogram-js and checks they agree with
// result.json: every interval log parses, its counts add up to the workload's requests, and
// every histogram in result.json decodes to the count and percentiles written beside it.
"use strict";
const fs = require("fs");
const path = require("path");
const hdr = require("hdr-histogram-js");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node check.js RUN_DIR");
  process.exit(2);
}
const result = JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8"));
let failures = 0;
function check(ok, what) {
  console.log((ok ? "ok      " : "FAILED  ") + what);
  if (!ok) failures++;
}
for (const w of result.workloads) {
  const decoded = hdr.decodeFromCompressedBase64(w.latency_us.hdr);
  check(decoded.totalCount === w.latency_us.count,
        `${w.name}: result.json histogram decodes to ${decoded.totalCount} values (${w.latency_us.count} written)`);
  for (const p of ["p50", "p90", "p99"]) {
    // loadgate caps a percentile at the exact maximum; HdrHistogram reports the top of the
    // maximum's bucket: the same bucket is the same value at 3 significant digits.
    const q = Number(p.slice(1));
    const read = decoded.getValueAtPercentile(q);
    check(decoded.lowestEquivalentValue(read) === decoded.lowestEquivalentValue(w.latency_us[p]),
          `${w.name}: ${p} ${read} (${w.latency_us[p]} written)`);
  }
  const log = path.join(dir, "hdr", w.name + ".hlog");
  const reader = new hdr.HistogramLogReader(fs.readFileSync(log, "utf8"));
  let intervals = 0, count = 0, h;
  while ((h = reader.nextIntervalHistogram()) !== null) {
    intervals++;
    count += h.totalCount;
  }
  // The log has every interval, warmup included; result.json's totals only the recorded phases.
  const all = result.phases.flatMap((phase) => phase.workloads).filter((x) => x.name === w.name)
    .reduce((sum, x) => sum + x.latency_us.count, 0);
  check(intervals > 0 && count === all,
        `${w.name}: ${intervals} intervals in ${log} hold ${count} values (${all} in the phases)`);
}
process.exit(failures ? 1 : 0);
