#include "harness/generator_thread.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <thread>

#include "harness/asio.h"
#include "harness/http_connection.h"
#include "harness/load_profile.h"

namespace loadgate {
namespace {

constexpr auto kStopCheck = std::chrono::milliseconds(100);

const ErrorClass kNoToken("no_token");
const ErrorClass kInternalError("internal_error");
const ErrorClass kCancelled("cancelled");

// The transport errors' classes, interned once.
ErrorClass transport_error_class(TransportError error) {
  static const auto classes = [] {
    std::vector<ErrorClass> all;
    for (int e = 0; e <= static_cast<int>(TransportError::cancelled); ++e)
      all.emplace_back(error_class_name(static_cast<TransportError>(e)));
    return all;
  }();
  return classes.at(static_cast<size_t>(error));
}

// Thread `index`'s part of a per-workload cap: the parts add up to the cap exactly (the first
// threads take the remainder), and no thread gets none.
size_t share_of(size_t cap, unsigned index, unsigned count) {
  return std::max<size_t>(1, cap / count + (index < cap % count ? 1 : 0));
}

double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// An open-model connection and the endpoint (index into RunOptions.endpoints) it goes to.
struct PooledConnection {
  size_t endpoint = 0;
  std::unique_ptr<HttpConnection> connection;
};

// A request waiting for one of a capped set of connections: woken by cancelling its timer,
// with the connection handed over (or none, when the run ends first).
struct ConnectionWaiter {
  asio::steady_timer wake;
  PooledConnection connection;
};

// One workload's share of one generator thread. Touched only by that thread.
struct Lane {
  const WorkloadRun* run = nullptr;
  asio::thread_pool* call_threads = nullptr;  // a blocking workload's; shared by all generators
  size_t max_in_flight = 0;
  std::optional<Arrivals> arrivals;  // open model
  // Open model: the intended time of the arrival being dispatched; every earlier one is counted.
  // max() once the schedule ends, and for the closed model (it has no arrivals to count).
  Clock::time_point arrivals_counted_until = Clock::time_point::max();
  // Arrivals due in the next interval, dispatched before this one was published (its tick is due
  // at the same instant, or waits for another lane): counted there when it starts.
  uint64_t scheduled_ahead = 0, dropped_ahead = 0;
  std::unique_ptr<LaneRecording> recording;  // the interval being recorded
  // Idle connections by endpoint: each request picks its endpoint in turn, as a load balancer
  // would. Reusing whichever connection came back first would send most requests to the
  // instance that fails fastest during a fault, and hide the healthy one.
  std::vector<std::vector<PooledConnection>> idle;
  size_t connections = 0;                   // open-model connections made (idle ∪ in use)
  size_t max_connections = 0;               // this thread's share of client.connections; 0: no cap
  std::deque<ConnectionWaiter*> waiting;    // requests queued for a connection, oldest first
  std::unique_ptr<TimeoutSweeper> sweeper;  // deadlines of this lane's connections
  uint64_t exchanging = 0;                  // requests on the wire now
  uint64_t in_flight = 0;                   // open model: dispatched, not finished (⊇ exchanging)
  size_t next_endpoint = 0;
  std::vector<bool> vu_running;  // closed model, by this thread's VU slot
  uint64_t active_vus = 0;
  bool done = false;
  // Closed model, blocking workload: outcomes of calls its users made on their call threads,
  // waiting for this generator to record them (each interval, and at the end).
  struct CompletedCall {
    Clock::time_point intended, done, sent_at;
    Outcome outcome;
  };
  std::mutex completed_mutex;
  std::vector<CompletedCall> completed;
};

// Counts a request as on the wire (Lane::exchanging) for as long as it lives.
struct OnTheWire {
  Lane& lane;
  explicit OnTheWire(Lane& lane_) : lane(lane_) { ++lane.exchanging; }
  ~OnTheWire() { --lane.exchanging; }
  OnTheWire(const OnTheWire&) = delete;
  OnTheWire& operator=(const OnTheWire&) = delete;
};

}  // namespace

struct GeneratorThread::Impl {
  const RunOptions& options;
  const unsigned index;
  const unsigned count;
  asio::io_context io{1};
  std::unique_ptr<TlsContext> tls;  // this thread's, for https endpoints
  Rng rng;
  std::vector<std::unique_ptr<Lane>> lanes;
  Clock::time_point start;
  Clock::time_point last_response{};

  std::mutex published_mutex;  // taken once per interval, never per request
  std::vector<ThreadInterval> published;
  std::vector<std::unique_ptr<LaneRecording>> spares;  // recycled buffers, guarded as `published`
  uint64_t next_interval = 0;
  double cpu_at_last_publish = 0;
  asio::steady_timer interval_timer{io};
  size_t lanes_done = 0;

  Impl(const std::vector<WorkloadRun>& runs, const std::vector<asio::thread_pool*>& call_threads,
       const RunOptions& options_, unsigned index_, unsigned count_)
      : options(options_),
        index(index_),
        count(count_),
        rng(options_.client.seed * 1000003 + index_) {
    for (const auto& endpoint : options.endpoints)
      if (endpoint.scheme == "https" && !tls)
        tls = std::make_unique<TlsContext>(options.client.tls);
    const Duration end = options.phases.back().start + options.phases.back().duration;
    for (const auto& run : runs) {
      auto lane = std::make_unique<Lane>();
      lane->run = &run;
      lane->call_threads = call_threads[lanes.size()];
      // The cap is per workload: each thread holds its share of it. A blocking workload's calls
      // never queue for a thread: the cap is at most the threads it has.
      size_t cap =
          run.executor.max_in_flight ? run.executor.max_in_flight : options.client.max_in_flight;
      if (run.blocking) cap = std::min(cap, run.blocking->max_concurrent_calls());
      lane->max_in_flight = share_of(cap, index, count);
      if (options.client.connections)
        lane->max_connections = share_of(options.client.connections, index, count);
      const uint64_t seed = options.client.seed * 7919 + lanes.size();
      if (run.schedule)
        lane->arrivals.emplace(*run.schedule, end, run.executor.spacing, index, count, seed);
      else if (run.executor.model == ExecutorSpec::Model::open)
        lane->arrivals.emplace(run.executor.profile, end, run.executor.spacing, index, count, seed);
      lane->recording = std::make_unique<LaneRecording>();
      lane->recording->interval.name = run.name;
      lane->sweeper = std::make_unique<TimeoutSweeper>(io.get_executor());
      lane->idle.resize(options.endpoints.size());
      lanes.push_back(std::move(lane));
    }
  }

  Duration run_end() const { return options.phases.back().start + options.phases.back().duration; }

  bool stop_requested() const { return options.stop.stop_requested(); }

  std::unique_ptr<HttpConnection> new_connection(Lane& lane, size_t endpoint) {
    return std::make_unique<HttpConnection>(
        io.get_executor(), options.endpoints[endpoint],
        HttpTimeouts{options.client.connect_timeout, options.client.request_timeout,
                     options.client.idle_timeout},
        *lane.sweeper, tls.get(), HttpLimits{.body_bytes = options.client.max_response_body});
  }

  size_t next_endpoint(Lane& lane) { return lane.next_endpoint++ % options.endpoints.size(); }

  // Sends one request and records its outcome against the phase of `intended`. The connection
  // is closed by HttpConnection on any transport error and reopened by the next exchange.
  // Returns false when the request was not sent (its virtual user has no token yet).
  awaitable<bool> exchange(Lane& lane, HttpConnection& connection, Clock::time_point intended,
                           size_t vu) {
    const OnTheWire on_the_wire(lane);

    Outcome outcome;
    Exchange exchange;
    try {
      HttpRequest request = lane.run->workload->next_for(rng, vu);
      request.vu = vu;
      if (request.without_token) {
        record(lane, intended, {Outcome::Kind::error, kNoToken}, Clock::now());
        co_return false;
      }
      exchange = co_await connection.exchange(request);
      if (exchange.error != TransportError::none) {
        outcome = {Outcome::Kind::error, transport_error_class(exchange.error)};
        lane.run->workload->unanswered(request, may_have_arrived(exchange.error));
      } else {
        outcome = lane.run->workload->judge(request, exchange.response);
      }
    } catch (const std::exception&) {
      // A workload or client bug must be counted, not lose the request from every total.
      outcome = {Outcome::Kind::error, kInternalError};
    }
    record(lane, intended, outcome, exchange.sent_at);
    if (lane.run->vus && vu != kAnyVu)
      lane.run->vus->record(vu, outcome.kind != Outcome::Kind::error);
    co_return true;
  }

  static bool may_have_arrived(TransportError error) {
    switch (error) {
      case TransportError::connect_refused:
      case TransportError::connect_timeout:
      case TransportError::connect_failed:
      case TransportError::tls:
      case TransportError::too_many_files:
        return false;
      default:
        return true;
    }
  }

  // Runs one call of a blocking workload on its threads; this coroutine resumes here, on the
  // generator's io_context, when the call returns.
  awaitable<void> call(Lane& lane, Clock::time_point intended) {
    const OnTheWire on_the_wire(lane);
    const CallResult result = co_await asio::co_spawn(
        *lane.call_threads, run_call(lane.run->blocking, rng()), use_awaitable);
    record(lane, intended, result.outcome, result.sent_at);
  }

  // Parameters by value: the coroutine frame owns them while it runs on another thread.
  static awaitable<CallResult> run_call(BlockingWorkload* workload, uint64_t seed) {
    co_return counted_call(*workload, seed);
  }

  // A workload bug must be counted, not lose the call from every total.
  static CallResult counted_call(BlockingWorkload& workload, uint64_t seed) {
    try {
      return workload.call(seed);
    } catch (const std::exception&) {
      return {{Outcome::Kind::error, kInternalError}};
    }
  }

  void record(Lane& lane, Clock::time_point intended, const Outcome& outcome,
              Clock::time_point sent_at) {
    record_at(lane, intended, Clock::now(), outcome, sent_at);
  }

  void record_completed(Lane& lane) {
    std::vector<Lane::CompletedCall> completed;
    {
      std::lock_guard lock(lane.completed_mutex);
      completed.swap(lane.completed);
    }
    for (const auto& c : completed) record_at(lane, c.intended, c.done, c.outcome, c.sent_at);
  }

  void record_at(Lane& lane, Clock::time_point intended, Clock::time_point done,
                 const Outcome& outcome, Clock::time_point sent_at) {
    last_response = std::max(last_response, done);
    LaneRecording& r = *lane.recording;
    switch (outcome.kind) {
      case Outcome::Kind::error:
        r.errors.add(outcome.error_class);
        // How long a failure took to show matters in a fault window (a timeout vs a refusal).
        r.interval.error_latency.record(to_micros(done - intended));
        return;
      case Outcome::Kind::ok:
        ++r.interval.ok;
        break;
      case Outcome::Kind::expected_failure:
        ++r.interval.expected_failures;
        break;
    }
    r.interval.latency.record(to_micros(done - intended));
    r.interval.service_time.record(to_micros(done - sent_at));
  }

  // --- open model ----------------------------------------------------------------------------

  awaitable<void> drive_arrivals(Lane& lane) {
    asio::steady_timer timer(io);
    while (auto offset = lane.arrivals->next()) {
      if (stop_requested()) break;
      const Clock::time_point intended = start + *offset;
      lane.arrivals_counted_until = intended;
      if (Clock::now() < intended) {
        // In slices, so a stop request is seen within 100 ms even at a low or zero rate.
        while (Clock::now() < intended && !stop_requested()) {
          timer.expires_at(std::min(intended, Clock::now() + kStopCheck));
          co_await timer.async_wait(use_awaitable);
        }
        if (stop_requested()) break;
      } else {
        // Behind schedule: let responses and requests already dispatched run before the next
        // one, so a backlog is sent (and its lag measured) instead of piling up unsent.
        co_await asio::post(io, use_awaitable);
      }
      // An arrival counts in the interval its intended time falls in, so a phase holds exactly
      // the arrivals its schedule does: one due after the interval being recorded is held for
      // the next, and tick() waits for the late ones before it publishes.
      const bool ahead = intended >= recording_end();
      ++(ahead ? lane.scheduled_ahead : lane.recording->interval.scheduled);
      if (lane.in_flight >= lane.max_in_flight) {
        // Open loop: never wait for a free slot, that would hide the latency it stands for.
        ++(ahead ? lane.dropped_ahead : lane.recording->interval.dropped);
        continue;
      }
      ++lane.in_flight;
      asio::co_spawn(io, issue(lane, intended), asio::detached);
    }
    lane.arrivals_counted_until = Clock::time_point::max();
    co_await drain(lane, timer);
  }

  awaitable<void> issue(Lane& lane, Clock::time_point intended) {
    // The lag is taken when the request really starts: co_spawn only queues this coroutine.
    lane.recording->interval.schedule_lag.record(to_micros(Clock::now() - intended));
    if (lane.run->blocking) {
      co_await call(lane, intended);
      --lane.in_flight;
      co_return;
    }
    PooledConnection pooled = co_await acquire(lane);
    if (pooled.connection) {
      co_await exchange(lane, *pooled.connection, intended, kAnyVu);
      release(lane, std::move(pooled));
    } else {
      lane.recording->errors.add(kCancelled);  // the run ended while it queued
    }
    --lane.in_flight;
  }

  // For the endpoint next in turn: an idle connection, a new one while under
  // client.connections; at the cap, one idle to another endpoint, or else the next one released.
  // Waiting is not hidden: the latency from the intended start includes it, as in wrk2, while
  // the service time (from the send) does not.
  awaitable<PooledConnection> acquire(Lane& lane) {
    const size_t endpoint = next_endpoint(lane);
    auto take_idle = [&lane](size_t e) {
      PooledConnection pooled = std::move(lane.idle[e].back());
      lane.idle[e].pop_back();
      return pooled;
    };
    if (!lane.idle[endpoint].empty()) co_return take_idle(endpoint);
    if (lane.max_connections == 0 || lane.connections < lane.max_connections) {
      ++lane.connections;
      co_return PooledConnection{endpoint, new_connection(lane, endpoint)};
    }
    for (size_t e = 0; e < lane.idle.size(); ++e)
      if (!lane.idle[e].empty()) co_return take_idle(e);
    ConnectionWaiter waiter{asio::steady_timer(io, Clock::time_point::max()), {}};
    lane.waiting.push_back(&waiter);
    boost::system::error_code ignored;
    co_await waiter.wake.async_wait(asio::redirect_error(use_awaitable, ignored));
    co_return std::move(waiter.connection);
  }

  // A connection that failed is kept too: its next exchange reconnects.
  void release(Lane& lane, PooledConnection pooled) {
    if (lane.done) return;
    if (!lane.waiting.empty()) {
      ConnectionWaiter* next = lane.waiting.front();
      lane.waiting.pop_front();
      next->connection = std::move(pooled);
      next->wake.cancel();
      return;
    }
    // The stack is used from its top, so connections opened for a peak (a fault's latency
    // spike) sink to its bottom unused: drop one once idle past the keep-alive timeout. The
    // pool follows the load instead of its high-water mark, and so do the target's connection
    // count and a soak's memory. The connection just used tells the time without a clock read.
    auto& stack = lane.idle[pooled.endpoint];
    const Clock::time_point now = pooled.connection->last_used();
    stack.push_back(std::move(pooled));
    if (stack.size() > 1 && stack.front().connection->idle_expired(now)) {
      stack.erase(stack.begin());
      --lane.connections;
    }
  }

  // --- closed model --------------------------------------------------------------------------

  // Keeps this thread's share of the target VU count running: global VU v belongs to thread
  // v % count; a VU whose number is at or above the target finishes its request and leaves.
  awaitable<void> drive_vus(Lane& lane) {
    asio::steady_timer timer(io);
    const LoadProfile& profile = lane.run->executor.profile;
    for (;;) {
      const Duration offset = Clock::now() - start;
      if (offset >= run_end() || stop_requested()) break;
      const auto target = static_cast<size_t>(std::floor(profile.level_at(offset)));
      for (size_t v = index; v < target; v += count) {
        const size_t slot = v / count;
        if (slot >= lane.vu_running.size()) lane.vu_running.resize(slot + 1, false);
        if (!lane.vu_running[slot]) {
          lane.vu_running[slot] = true;
          asio::co_spawn(io, virtual_user(lane, v), asio::detached);
        }
      }
      timer.expires_after(std::chrono::milliseconds(50));
      co_await timer.async_wait(use_awaitable);
    }
    co_await drain(lane, timer);
  }

  awaitable<void> virtual_user(Lane& lane, size_t v) {
    ++lane.active_vus;
    if (lane.run->blocking) {
      co_await asio::co_spawn(*lane.call_threads, blocking_user(this, &lane, v), use_awaitable);
      lane.vu_running[v / count] = false;
      --lane.active_vus;
      co_return;
    }
    // A virtual user keeps one keep-alive connection, so users spread over the endpoints.
    auto connection = new_connection(lane, next_endpoint(lane));
    asio::steady_timer think(io);
    for (;;) {
      const Clock::time_point now = Clock::now();
      if (lane.done || !user_goes_on(lane, v, now)) break;
      // A VU intends to start when it is ready, so latency equals service time here.
      const bool sent = co_await exchange(lane, *connection, now, v);
      // A user still waiting for its login's token retries every 10 ms at most: without a pause
      // it would never yield the thread (the login lane beside it included).
      const Duration pause =
          sent ? lane.run->executor.think
               : std::max<Duration>(lane.run->executor.think, std::chrono::milliseconds(10));
      if (pause > Duration::zero()) {
        const auto resume = think_until(pause);
        while (Clock::now() < resume && !stop_requested()) {
          think.expires_at(std::min(resume, Clock::now() + kStopCheck));
          co_await think.async_wait(use_awaitable);
        }
      }
    }
    lane.vu_running[v / count] = false;
    --lane.active_vus;
  }

  // A user of a blocking workload runs its whole loop on a call thread: a hop to the generator
  // and back for each call would cost more CPU than a fast query (measured: ci/bench-sql). Its
  // outcomes wait in the lane's `completed` list for record_completed().
  static awaitable<void> blocking_user(Impl* self, Lane* lane, size_t v) {
    self->run_blocking_user(*lane, v);
    co_return;
  }

  // On a call thread: reads only what does not change during the run, and the stop flag.
  void run_blocking_user(Lane& lane, size_t v) {
    Rng user_rng(options.client.seed * 1000003 + 7919 * (v + 1));  // replayable per user
    for (;;) {
      const Clock::time_point now = Clock::now();
      if (!user_goes_on(lane, v, now)) break;
      const CallResult result = counted_call(*lane.run->blocking, user_rng());
      if (lane.run->vus) lane.run->vus->record(v, result.outcome.kind != Outcome::Kind::error);
      {
        std::lock_guard lock(lane.completed_mutex);
        lane.completed.push_back({now, Clock::now(), result.sent_at, result.outcome});
      }
      const auto resume = think_until(lane.run->executor.think);
      while (Clock::now() < resume && !stop_requested())
        std::this_thread::sleep_for(std::min<Duration>(resume - Clock::now(), kStopCheck));
    }
  }

  // Whether user `v` makes another request at `now`: the run goes on and the profile still
  // wants it. Safe on a call thread (the profile and the run's times do not change).
  bool user_goes_on(const Lane& lane, size_t v, Clock::time_point now) const {
    if (now - start >= run_end() || stop_requested()) return false;
    return static_cast<double>(v) < std::floor(lane.run->executor.profile.level_at(now - start));
  }

  // The end of a pause that starts now: never past the end of the run, or the drain would wait.
  Clock::time_point think_until(Duration pause) const {
    return std::min(Clock::now() + pause, start + run_end());
  }

  // --- both ----------------------------------------------------------------------------------

  // After the last arrival: give in-flight requests drain_timeout to finish, then cancel them
  // (they count as `cancelled`), so a hung target cannot hold the run forever.
  awaitable<void> drain(Lane& lane, asio::steady_timer& timer) {
    const auto deadline = Clock::now() + options.drain_timeout;
    while ((lane.in_flight > 0 || lane.active_vus > 0) && Clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(use_awaitable);
    }
    lane.done = true;
    lane.sweeper->cancel_all();
    for (ConnectionWaiter* waiter : std::exchange(lane.waiting, {})) waiter->wake.cancel();
    for (auto& idle : lane.idle) idle.clear();
    // Let the cancelled requests finish (they only need their handlers to run) before the
    // sweeper stops.
    for (int i = 0; i < 200 && (lane.in_flight > 0 || lane.active_vus > 0); ++i) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(use_awaitable);
    }
    lane.sweeper->stop();
    if (++lanes_done == lanes.size()) interval_timer.cancel();
  }

  // The end of the interval being recorded now.
  Clock::time_point recording_end() const { return start + (next_interval + 1) * options.interval; }

  awaitable<void> tick() {
    boost::system::error_code ec;
    for (uint64_t k = 1;; ++k) {
      const Clock::time_point boundary = start + k * options.interval;
      interval_timer.expires_at(boundary);
      co_await interval_timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (ec || lanes_done == lanes.size()) co_return;
      // Arrivals due before the boundary but not yet dispatched (the thread fell behind) still
      // belong to this interval. A thread that cannot catch up within an interval is
      // generator-bound (reported as such); its late arrivals then count where they are sent.
      while (Clock::now() < boundary + options.interval && !stop_requested() &&
             std::any_of(lanes.begin(), lanes.end(), [&](const auto& lane) {
               return lane->arrivals_counted_until < boundary;
             })) {
        interval_timer.expires_after(std::chrono::milliseconds(1));
        co_await interval_timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;  // the last lane is done: the final publish takes it all
      }
      publish(/*last=*/false);
    }
  }

  void publish(bool last) {
    ThreadInterval snapshot;
    snapshot.index = next_interval++;
    snapshot.last = last;
    const double cpu = thread_cpu_seconds();
    snapshot.cpu_seconds = cpu - cpu_at_last_publish;
    cpu_at_last_publish = cpu;
    for (auto& lane : lanes) {
      record_completed(*lane);
      if (last) {  // nothing follows: what was held for a next interval belongs to this one
        lane->recording->interval.scheduled += std::exchange(lane->scheduled_ahead, 0);
        lane->recording->interval.dropped += std::exchange(lane->dropped_ahead, 0);
      }
      lane->recording->interval.in_flight = std::max(lane->in_flight, lane->exchanging);
      lane->recording->interval.vus = lane->active_vus;
    }
    std::lock_guard lock(published_mutex);
    for (auto& lane : lanes) {
      std::unique_ptr<LaneRecording> next;
      if (!spares.empty()) {
        next = std::move(spares.back());
        spares.pop_back();
      } else {
        next = std::make_unique<LaneRecording>();
      }
      next->interval.name = lane->run->name;
      next->interval.scheduled = std::exchange(lane->scheduled_ahead, 0);
      next->interval.dropped = std::exchange(lane->dropped_ahead, 0);
      snapshot.workloads.push_back(std::exchange(lane->recording, std::move(next)));
    }
    published.push_back(std::move(snapshot));
  }

  void run_all(Clock::time_point start_) {
    start = start_;
    cpu_at_last_publish = thread_cpu_seconds();
    for (auto& lane : lanes) {
      lane->sweeper->start();
      if (lane->arrivals)
        asio::co_spawn(io, drive_arrivals(*lane), asio::detached);
      else
        asio::co_spawn(io, drive_vus(*lane), asio::detached);
    }
    asio::co_spawn(io, tick(), asio::detached);
    io.run();
    // Only now, with every call back (a blocking one may outlast the drain by its own timeout):
    // the last interval holds everything since the last tick.
    publish(/*last=*/true);
  }
};

GeneratorThread::GeneratorThread(const std::vector<WorkloadRun>& runs,
                                 const std::vector<asio::thread_pool*>& call_threads,
                                 const RunOptions& options, unsigned index, unsigned count)
    : impl_(std::make_unique<Impl>(runs, call_threads, options, index, count)) {}

GeneratorThread::~GeneratorThread() = default;

void GeneratorThread::run(Clock::time_point start) {
  impl_->run_all(start);
}

std::vector<ThreadInterval> GeneratorThread::take_published() {
  std::lock_guard lock(impl_->published_mutex);
  return std::exchange(impl_->published, {});
}

void GeneratorThread::recycle(ThreadInterval interval) {
  // Two intervals' worth are kept: the next publish takes one, the collector holds the other.
  // When the collector fell behind (one thread late through a failover, say), the buffers
  // allocated meanwhile are freed once it catches up, not kept for the rest of the run: a
  // soak's memory must not keep the high-water mark of every backlog.
  const size_t keep = 2 * impl_->lanes.size();
  for (auto& recording : interval.workloads) recording->reset();
  std::lock_guard lock(impl_->published_mutex);
  for (auto& recording : interval.workloads)
    if (impl_->spares.size() < keep) impl_->spares.push_back(std::move(recording));
  // The rest are freed with `interval`.
}

Clock::time_point GeneratorThread::last_response() const {
  return impl_->last_response;
}

}  // namespace loadgate
