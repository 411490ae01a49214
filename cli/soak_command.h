// `loadgate soak SCENARIO --for 12h --window 10m`: the nightly soak. The scenario runs for the
// whole duration with its faults on their cycle (each fault's `every:`), recovery always run, as
// `loadgate run` runs it; then the run is cut into windows, each judged on its own (the SLO over
// its steady intervals, every claim over its intervals: reports/soak_windows.h), and the whole
// night is judged with the slopes only a long run measures: each observed process's RSS
// (`process.service.rss.slope <= 1MiB/h`), each workload's windowed p99 and error rate
// (`items.latency.p99.slope <= 1ms/h`). Writes OUT/windows.jsonl and OUT/soak.json beside the
// run's own results.
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

void add_soak_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
