#include "faults/proxy_client.h"

#include <fmt/format.h>

#include "faults/fault.h"
#include "harness/asio.h"

namespace loadgate {

ProxyClient ProxyClient::of_testbed(const testbed::TestbedState& state, const std::string& name) {
  const auto* proxy = state.find(name);
  if (!proxy || !proxy->control_port)
    throw FaultError(fmt::format(
        "the testbed in {} has no {} with a control port (a testbed from an older loadgate? "
        "run `loadgate testbed down` and `up` again)",
        state.dir.string(), name));
  return ProxyClient(proxy->host, proxy->control_port);
}

std::string ProxyClient::where() const {
  return fmt::format("{}:{}", host_, port_);
}

ProxyAnswer ProxyClient::send(const std::string& command, Duration timeout) const {
  asio::io_context io(1);
  tcp::socket socket(io);
  asio::streambuf input;
  boost::system::error_code failure;
  std::string line;
  const std::string request = command + "\n";
  auto converse = [&]() -> awaitable<void> {
    boost::system::error_code ec;
    co_await socket.async_connect(tcp::endpoint(asio::ip::make_address(host_), port_),
                                  asio::redirect_error(use_awaitable, ec));
    if (!ec)
      co_await asio::async_write(socket, asio::buffer(request),
                                 asio::redirect_error(use_awaitable, ec));
    if (!ec)
      co_await asio::async_read_until(socket, input, '\n', asio::redirect_error(use_awaitable, ec));
    failure = ec;
    if (ec) co_return;
    std::istream in(&input);
    std::getline(in, line);
  };
  bool done = false;
  asio::co_spawn(io, converse(), [&](std::exception_ptr) { done = true; });
  io.run_for(timeout);
  if (!done)
    throw FaultError(fmt::format("the proxy control port {} did not answer '{}' within {}", where(),
                                 command, format_duration(timeout)));
  if (failure)
    throw FaultError(
        fmt::format("cannot reach the proxy control port {}: {}", where(), failure.message()));
  auto space = line.find(' ');
  const std::string verdict = line.substr(0, space);
  const std::string detail = space == std::string::npos ? "" : line.substr(space + 1);
  if (verdict == "ok") return {true, detail};
  if (verdict == "busy") return {false, detail};
  throw FaultError(fmt::format("the proxy at {} refused '{}': {}", where(), command, detail));
}

}  // namespace loadgate
