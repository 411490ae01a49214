#include "testbed/proxy/proxy_control.h"

#include <charconv>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace loadgate::testbed {
namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

struct BadCommand {
  std::string why;
};

// words[i] as a whole number; `unit` names it in the error.
uint64_t number_or_throw(const std::vector<std::string>& words, size_t i, const char* unit) {
  if (i >= words.size())
    throw BadCommand{fmt::format("'{}' needs a value in {}", fmt::join(words, " "), unit)};
  uint64_t value = 0;
  const std::string& text = words[i];
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    throw BadCommand{fmt::format("'{}' is not a whole number of {}", text, unit)};
  return value;
}

Duration millis_or_throw(const std::vector<std::string>& words, size_t i) {
  const uint64_t ms = number_or_throw(words, i, "ms");
  // A day at most: beyond it the nanosecond clock arithmetic would overflow.
  if (ms > 86'400'000) throw BadCommand{fmt::format("'{}' ms is more than a day", words[i])};
  return std::chrono::milliseconds(ms);
}

// Adds the toxic `words` name to `toxics`.
void add_toxic(Toxics& toxics, const std::vector<std::string>& words) {
  const std::string kind = words.size() > 1 ? words[1] : "";
  if (kind == "latency") {
    toxics.latency = millis_or_throw(words, 2);
    toxics.jitter = words.size() > 3 ? millis_or_throw(words, 3) : Duration::zero();
  } else if (kind == "bandwidth") {
    toxics.bandwidth = number_or_throw(words, 2, "bytes/s");
    if (!toxics.bandwidth) throw BadCommand{"bandwidth must be at least 1 byte/s"};
  } else if (kind == "slow_close") {
    toxics.slow_close = millis_or_throw(words, 2);
  } else if (kind == "reset_peer") {
    toxics.reset_peer = millis_or_throw(words, 2);
  } else if (kind == "blackhole") {
    toxics.blackhole = true;
  } else {
    throw BadCommand{fmt::format(
        "unknown toxic '{}' (latency, bandwidth, slow_close, reset_peer, blackhole)", kind)};
  }
}

}  // namespace

awaitable<std::string> execute_control_command(TcpProxy& proxy, const std::string& line) {
  const auto words = words_of(line);
  if (words.empty()) co_return "error empty command";
  const std::string& verb = words[0];
  try {
    if (verb == "status") co_return "ok " + proxy.status();
    if (verb == "upstream" && words.size() == 2) {
      proxy.set_upstreams(parse_host_ports(words[1]));
      co_return "ok " + proxy.status();
    }
    if (verb == "mode" && words.size() == 2) {
      auto mode = parse_mode(words[1]);
      if (!mode) co_return "error mode is forward, refuse, blackhole or hold";
      proxy.set_mode(*mode);
      co_return "ok " + proxy.status();
    }
    if (verb == "reset") co_return fmt::format("ok reset={}", proxy.reset_all());
    if (verb == "hold-if-idle") {
      if (proxy.hold_if_idle(millis_or_throw(words, 1))) co_return "ok " + proxy.status();
      co_return "busy " + proxy.status();
    }
    if (verb == "wait-held") {
      const size_t held = co_await proxy.wait_held(millis_or_throw(words, 1));
      co_return fmt::format("ok held={}", held);
    }
    if (verb == "toxic") {
      Toxics toxics = proxy.toxics();
      add_toxic(toxics, words);
      proxy.set_toxics(toxics);
      co_return "ok " + proxy.status();
    }
    if (verb == "clear") {
      proxy.set_toxics({});
      co_return "ok " + proxy.status();
    }
  } catch (const BadCommand& bad) {
    co_return "error " + bad.why;
  } catch (const std::exception& e) {
    co_return fmt::format("error {}", e.what());
  }
  co_return fmt::format("error unknown command '{}' (see loadgate-proxy --help)", line);
}

namespace {

awaitable<void> control_session(TcpProxy& proxy, tcp::socket socket) {
  asio::streambuf input(4096);  // a line longer than this is not a command
  boost::system::error_code ec;
  for (;;) {
    co_await asio::async_read_until(socket, input, '\n', asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    std::istream in(&input);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string answer = co_await execute_control_command(proxy, line) + "\n";
    co_await asio::async_write(socket, asio::buffer(answer),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace

awaitable<void> serve_control(TcpProxy& proxy, tcp::acceptor acceptor) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;
    asio::co_spawn(acceptor.get_executor(), control_session(proxy, std::move(socket)),
                   asio::detached);
  }
}

}  // namespace loadgate::testbed
