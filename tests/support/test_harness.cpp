#include "tests/support/test_harness.h"

#include <deque>

namespace loadgate::test {

Exchange exchange_once(const Endpoint& endpoint, const HttpRequest& request,
                       Duration connect_timeout, Duration request_timeout) {
  asio::io_context io;
  TimeoutSweeper sweeper(io.get_executor());
  HttpConnection connection(io.get_executor(), endpoint, {connect_timeout, request_timeout},
                            sweeper);
  Exchange result;
  sweeper.start();
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        result = co_await connection.exchange(request);
        sweeper.stop();
      },
      asio::detached);
  io.run();
  return result;
}

const WorkloadSpec& workload_spec(const std::string& body, const std::string& file) {
  static std::deque<Scenario> parsed;  // a deque: earlier specs stay where they are
  parsed.push_back(parse_scenario(
      "name: t\ntarget: {urls: [http://127.0.0.1:1]}\nduration: 1s\nworkloads:\n  w:\n" + body,
      file, {}));
  return parsed.back().workloads[0];
}

Scenario with_fault(const std::string& faults) {
  return parse_scenario(R"(name: f
target: {urls: ["http://127.0.0.1:9"]}
duration: 1m
workloads:
  w: {kind: jwt, executor: {type: constant-arrival-rate, rate: 1/s}}
faults:
)" + faults,
                        "f.yaml", {});
}

}  // namespace loadgate::test
