#include "reports/timeline_file.h"

#include <stdexcept>

#include <fmt/format.h>

#include "reports/hdr_encoding.h"

namespace loadgate {
namespace {

using nlohmann::json;

Duration from_seconds(const json& j) {
  return std::chrono::round<Duration>(std::chrono::duration<double>(j.get<double>()));
}

// The four histograms of a workload interval, by the names the file gives them.
template <typename Interval, typename F>
void each_histogram(Interval& w, F&& f) {
  f("latency", w.latency);
  f("service_time", w.service_time);
  f("error_latency", w.error_latency);
  f("schedule_lag", w.schedule_lag);
}

}  // namespace

json interval_to_json(const IntervalRecord& interval) {
  json workloads = json::array();
  for (const auto& w : interval.workloads) {
    const Histogram& h = w.latency;
    json histograms = json::object();
    each_histogram(w, [&](const char* name, const Histogram& hist) {
      if (hist.count() == 0 && hist.out_of_range() == 0) return;
      histograms[name] = {{"count", hist.count()},
                          {"min", hist.min()},
                          {"max", hist.max()},
                          {"sum", hist.sum()},
                          {"out_of_range", hist.out_of_range()},
                          {"hdr", encode_compressed_base64(hist)}};
    });
    workloads.push_back(
        {{"name", w.name},
         {"scheduled", w.scheduled},
         {"attempts", w.attempts()},
         {"ok", w.ok},
         {"expected_failures", w.expected_failures},
         {"errors", w.errors},
         {"dropped", w.dropped},
         {"in_flight", w.in_flight},
         {"vus", w.vus},
         {"latency_us",
          {{"p50", h.value_at_percentile(50)},
           {"p90", h.value_at_percentile(90)},
           {"p95", h.value_at_percentile(95)},
           {"p99", h.value_at_percentile(99)},
           {"p99_9", h.value_at_percentile(99.9)},
           {"max", h.max()}}},
         {"schedule_lag_us",
          {{"p99", w.schedule_lag.value_at_percentile(99)}, {"max", w.schedule_lag.max()}}},
         {"histograms", histograms}});
  }
  return {{"i", interval.index},
          {"t", seconds(interval.end)},
          {"length", seconds(interval.length)},
          {"phase", interval.phase},
          {"generator_cpu", interval.generator_cpu},
          {"workloads", workloads}};
}

void interval_from_json(const json& line, IntervalRecord& interval) {
  interval.index = line.at("i");
  interval.end = from_seconds(line.at("t"));
  interval.length = from_seconds(line.at("length"));
  interval.phase = line.at("phase");
  interval.generator_cpu = line.at("generator_cpu");
  const json& workloads = line.at("workloads");
  interval.workloads.resize(workloads.size());
  for (size_t i = 0; i < workloads.size(); ++i) {
    const json& j = workloads[i];
    WorkloadInterval& w = interval.workloads[i];
    w.reset();
    w.name = j.at("name");
    w.scheduled = j.at("scheduled");
    w.ok = j.at("ok");
    w.expected_failures = j.at("expected_failures");
    w.errors = j.at("errors").get<ErrorCounts>();
    w.dropped = j.at("dropped");
    w.in_flight = j.at("in_flight");
    w.vus = j.at("vus");
    if (!j.contains("histograms"))
      throw std::invalid_argument(
          "an interval without its histograms: written by an older loadgate (re-run the "
          "scenario with this one)");
    const json& histograms = j.at("histograms");
    each_histogram(w, [&](const char* name, Histogram& hist) {
      const auto it = histograms.find(name);
      if (it == histograms.end()) return;
      hist.assign_counts(decode_compressed_base64(it->at("hdr").get<std::string>()), it->at("min"),
                         it->at("max"), it->at("sum"), it->at("out_of_range"));
      if (hist.count() != it->at("count").get<uint64_t>())
        throw std::invalid_argument(fmt::format("{}'s {} histogram holds {} values, not {}", w.name,
                                                name, hist.count(),
                                                it->at("count").get<uint64_t>()));
    });
  }
}

void read_timeline(const std::filesystem::path& file,
                   const std::function<void(const IntervalRecord&)>& each) {
  IntervalRecord interval;
  const bool opened = read_json_lines(file, [&](const json& line) {
    interval_from_json(line, interval);
    each(interval);
  });
  if (!opened)
    throw std::runtime_error(
        fmt::format("cannot read {}: is it a loadgate results directory?", file.string()));
}

}  // namespace loadgate
