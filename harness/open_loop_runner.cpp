#include "harness/open_loop_runner.h"

#include <memory>
#include <set>
#include <thread>

#include "harness/arrival_schedule.h"
#include "harness/asio.h"
#include "harness/http_connection.h"

namespace loadgate {
namespace {

// One workload's share of one generator thread. Touched only by that thread.
struct WorkloadLane {
  const WorkloadRun* run;
  ConstantArrivals arrivals;
  WorkloadResult result;
  std::vector<std::unique_ptr<HttpConnection>> idle;
  std::set<HttpConnection*> busy;
  size_t next_endpoint = 0;
  bool scheduling_done = false;
};

class GeneratorThread {
 public:
  GeneratorThread(const std::vector<WorkloadRun>& runs, const RunOptions& options, unsigned index,
                  unsigned count)
      : options_(options), rng_(0x6c6f6164 + index) {
    for (const auto& run : runs) {
      lanes_.push_back(std::make_unique<WorkloadLane>(
          WorkloadLane{&run,
                       ConstantArrivals(run.rate_per_second, options.duration, index, count),
                       {},
                       {},
                       {},
                       0,
                       false}));
      lanes_.back()->result.name = run.name;
      lanes_.back()->result.kind = run.kind;
    }
  }

  void run(Clock::time_point start) {
    for (auto& lane : lanes_) asio::co_spawn(io_, drive(*lane, start), asio::detached);
    io_.run();
  }

  std::vector<std::unique_ptr<WorkloadLane>>& lanes() { return lanes_; }
  Clock::time_point last_response() const { return last_response_; }

 private:
  awaitable<void> drive(WorkloadLane& lane, Clock::time_point start) {
    asio::steady_timer timer(io_);
    for (uint64_t k = 0;; ++k) {
      auto offset = lane.arrivals.at(k);
      if (!offset || stop_requested()) break;
      const Clock::time_point intended = start + *offset;
      if (Clock::now() < intended) {
        timer.expires_at(intended);
        co_await timer.async_wait(use_awaitable);
      }
      ++lane.result.scheduled;
      lane.result.schedule_lag.record(to_micros(Clock::now() - intended));
      if (lane.busy.size() >= options_.client.max_in_flight) {
        ++lane.result.dropped;  // open loop: never wait for a free slot, that would hide latency
        continue;
      }
      asio::co_spawn(io_, issue(lane, take_connection(lane), intended), asio::detached);
    }
    lane.scheduling_done = true;
    co_await drain(lane, timer);
  }

  std::unique_ptr<HttpConnection> take_connection(WorkloadLane& lane) {
    if (!lane.idle.empty()) {
      auto connection = std::move(lane.idle.back());
      lane.idle.pop_back();
      return connection;
    }
    const Endpoint& endpoint = options_.endpoints[lane.next_endpoint++ % options_.endpoints.size()];
    return std::make_unique<HttpConnection>(io_.get_executor(), endpoint,
                                            options_.client.connect_timeout,
                                            options_.client.request_timeout);
  }

  awaitable<void> issue(WorkloadLane& lane, std::unique_ptr<HttpConnection> connection,
                        Clock::time_point intended) {
    lane.busy.insert(connection.get());
    HttpRequest request = lane.run->workload->next(rng_);
    Exchange exchange = co_await connection->exchange(request);
    const Clock::time_point done = Clock::now();
    last_response_ = std::max(last_response_, done);
    lane.busy.erase(connection.get());

    Outcome outcome;
    if (exchange.error != TransportError::none) {
      outcome = {Outcome::Kind::error, std::string(error_class_name(exchange.error))};
    } else {
      outcome = lane.run->workload->judge(request, exchange.response);
    }
    if (outcome.kind == Outcome::Kind::error) {
      ++lane.result.errors[outcome.error_class];
    } else {
      ++(outcome.kind == Outcome::Kind::ok ? lane.result.ok : lane.result.expected_failures);
      lane.result.latency.record(to_micros(done - intended));
      lane.result.service_time.record(to_micros(done - exchange.sent_at));
    }
    if (exchange.error == TransportError::none) lane.idle.push_back(std::move(connection));
  }

  // After the last arrival: give in-flight requests drain_timeout to finish, then cancel them
  // (they count as `cancelled`), so a hung target cannot hold the run forever.
  awaitable<void> drain(WorkloadLane& lane, asio::steady_timer& timer) {
    const auto deadline = Clock::now() + options_.drain_timeout;
    while (!lane.busy.empty() && Clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(use_awaitable);
    }
    for (HttpConnection* connection : std::set<HttpConnection*>(lane.busy)) connection->cancel();
    lane.idle.clear();
  }

  bool stop_requested() const {
    return options_.stop_requested && options_.stop_requested->load(std::memory_order_relaxed);
  }

  const RunOptions& options_;
  asio::io_context io_{1};
  Rng rng_;
  std::vector<std::unique_ptr<WorkloadLane>> lanes_;
  Clock::time_point last_response_{};
};

}  // namespace

RunResult run_open_loop(const std::vector<WorkloadRun>& workloads, const RunOptions& options) {
  const unsigned count = options.client.threads;
  std::vector<std::unique_ptr<GeneratorThread>> generators;
  for (unsigned i = 0; i < count; ++i)
    generators.push_back(std::make_unique<GeneratorThread>(workloads, options, i, count));

  RunResult result;
  result.started_at = WallClock::now();
  result.planned_duration = options.duration;
  for (const auto& endpoint : options.endpoints) result.targets.push_back(endpoint.to_string());

  // A common start a little ahead, so every thread is running before its first arrival.
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(20);
  std::vector<std::jthread> threads;
  for (auto& generator : generators)
    threads.emplace_back([&generator, start] { generator->run(start); });
  threads.clear();  // joins

  Clock::time_point last = start;
  for (size_t w = 0; w < workloads.size(); ++w) {
    WorkloadResult merged;
    merged.name = workloads[w].name;
    merged.kind = workloads[w].kind;
    merged.offered_rate = workloads[w].rate_per_second;
    for (auto& generator : generators) merged.merge(generator->lanes()[w]->result);
    result.workloads.push_back(std::move(merged));
  }
  for (auto& generator : generators) last = std::max(last, generator->last_response());
  result.elapsed = last - start;
  result.interrupted = options.stop_requested && options.stop_requested->load();
  return result;
}

}  // namespace loadgate
