// The scenario's SLO (`slo:` → RunResult::slo) checked against a workload: over the whole run
// for a throughput claim, and over a sliding window of intervals for the capacity search, which
// finds the highest rate the target sustained while meeting it (wrk2 and k6 leave that search
// to you).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/expectation.h"
#include "harness/interval_record.h"
#include "harness/results.h"

namespace loadgate {

// The SLO's terms, parsed once: "errors.rate" < 1%, "latency.p95" < 200ms, ...
class ServiceLevel {
 public:
  // Throws std::invalid_argument for a term that does not parse.
  explicit ServiceLevel(const std::map<std::string, std::string>& slo);
  bool empty() const { return terms_.empty(); }
  // The first term broken ("p95 450ms breaks the SLO latency.p95 < 200ms"), or nothing.
  std::optional<std::string> breach(uint64_t errors, uint64_t attempts,
                                    const Histogram& latency) const;
  // What each term reads: "errors 0.00%, p95 210ms".
  std::string describe(uint64_t errors, uint64_t attempts, const Histogram& latency) const;
  // The highest latency percentile a term names (95 for latency.p95); 0 for errors alone.
  double highest_percentile() const;

 private:
  struct Term {
    std::string name, text;
    Expectation expect;
    std::optional<double> percentile;  // a latency term; else errors.rate
  };
  struct Reading {
    double value;
    std::string shown;
  };
  static Reading read(const Term& term, uint64_t errors, uint64_t attempts,
                      const Histogram& latency);
  std::vector<Term> terms_;
};

// The first SLO term the workload's totals break, or nothing when all are met.
std::optional<std::string> slo_breach(const WorkloadResult& workload,
                                      const std::map<std::string, std::string>& slo);

// Over the recorded intervals of one workload, in order: a window is `window` of consecutive
// intervals in each of which the workload sent something, with nothing dropped, whose merged
// histogram and error count meet the SLO; its rate is its successes over its length. Keeps
// only the window's intervals.
class CapacitySearcher {
 public:
  CapacitySearcher(const std::map<std::string, std::string>& slo, Duration interval,
                   Duration window = std::chrono::seconds(5));
  void add(const WorkloadInterval& interval, Duration end, Duration length);
  CapacitySearch result() const;

 private:
  struct Step {
    Histogram latency;
    uint64_t successes = 0, errors = 0, attempts = 0, dropped = 0;
    Duration end{}, length{};
  };
  ServiceLevel slo_;
  Duration window_;
  size_t span_;
  std::vector<Step> ring_;  // the last span_ intervals, oldest at next_ once full
  size_t seen_ = 0;
  Histogram merged_;
  CapacitySearch search_;
};

}  // namespace loadgate
