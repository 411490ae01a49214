#include "reports/progress_line.h"

#include <unistd.h>

#include <fmt/format.h>

namespace loadgate {

ProgressLine::ProgressLine(Duration total, std::FILE* out, int plain_every)
    : total_(total), out_(out), tty_(isatty(fileno(out)) != 0), plain_every_(plain_every) {}

ProgressLine::~ProgressLine() {
  if (tty_ && drawn_) fmt::print(out_, "\n");
}

void ProgressLine::write(const IntervalRecord& sample) {
  if (!tty_ && (sample.index + 1) % static_cast<uint64_t>(plain_every_) != 0) return;
  uint64_t attempts = 0, errors = 0, dropped = 0, in_flight = 0;
  Histogram& latency = latency_;
  latency.reset();
  for (const auto& w : sample.workloads) {
    attempts += w.attempts();
    errors += w.attempts() - w.ok - w.expected_failures;
    dropped += w.dropped;
    in_flight += w.in_flight;
    latency.merge(w.latency);
  }
  const double seconds = std::chrono::duration<double>(sample.length).count();
  const std::string line = fmt::format(
      "[{:>6.1f}s/{:.0f}s] {:<8} {:>8.1f} req/s  p95 {:>7.2f}ms  errors {:<5} dropped {:<5} "
      "in-flight {:<5} cpu {:>3.0f}%",
      std::chrono::duration<double>(sample.end).count(),
      std::chrono::duration<double>(total_).count(), sample.phase,
      static_cast<double>(attempts) / seconds,
      static_cast<double>(latency.value_at_percentile(95)) / 1000.0, errors, dropped, in_flight,
      sample.generator_cpu * 100);
  if (tty_) {
    fmt::print(out_, "\r\033[K{}", line);
    drawn_ = true;
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace loadgate
