// Live progress on stderr while a run goes: on a terminal one line rewritten each interval
// (elapsed/total, rate, p95, errors, in-flight); otherwise a plain line every `plain_every`
// intervals, so CI logs stay readable.
#pragma once

#include <cstdio>

#include "harness/interval_sink.h"

namespace loadgate {

class ProgressLine : public IntervalSink {
 public:
  ProgressLine(Duration total, std::FILE* out = stderr, int plain_every = 5);
  ~ProgressLine();  // ends the rewritten line
  void write(const IntervalRecord& interval) override;

 private:
  Duration total_;
  std::FILE* out_;
  bool tty_;
  int plain_every_;
  bool drawn_ = false;
  Histogram latency_;  // every workload's, this interval: kept to save an allocation each
};

}  // namespace loadgate
