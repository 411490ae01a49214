// loadgate-proxy's forwarding, modes and toxics, driven through its control commands, between a
// real loopback client and a real loopback echo server (the testbed runs the same code between
// pgbouncer and Postgres, see the fault integration tests).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "harness/process.h"
#include "testbed/proxy/proxy_control.h"
#include "testbed/proxy/tcp_proxy.h"

using namespace loadgate;
using namespace loadgate::testbed;
using namespace std::chrono_literals;

namespace {

// Answers every chunk with `tag` followed by the chunk; closes on "bye".
awaitable<void> echo_session(tcp::socket socket, std::string tag) {
  std::array<char, 1024> buffer;
  boost::system::error_code ec;
  for (;;) {
    size_t n = co_await socket.async_read_some(asio::buffer(buffer),
                                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    if (std::string_view(buffer.data(), n) == "bye") co_return;  // the socket closes with it
    std::string answer = tag + std::string(buffer.data(), n);
    co_await asio::async_write(socket, asio::buffer(answer),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
}

awaitable<void> echo_server(tcp::acceptor& acceptor, std::string tag) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), echo_session(std::move(socket), tag), asio::detached);
  }
}

// Two echo servers ("A:" and "B:") and a proxy in front of A, on one io_context thread.
struct ProxyBench {
  asio::io_context io;
  tcp::acceptor a{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::acceptor b{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  uint16_t proxy_port = find_free_port();
  TcpProxy proxy{io, {"127.0.0.1", proxy_port}, {{"127.0.0.1", a.local_endpoint().port()}}};
  std::jthread thread;

  ProxyBench() {
    asio::co_spawn(io, echo_server(a, "A:"), asio::detached);
    asio::co_spawn(io, echo_server(b, "B:"), asio::detached);
    asio::co_spawn(io, proxy.serve(), asio::detached);
    thread = std::jthread([this] { io.run(); });
  }
  ~ProxyBench() {
    io.stop();
    thread.join();
  }
  // A control command, run on the proxy's own thread as its control port would run it.
  std::string control(const std::string& line) {
    std::promise<std::string> answer;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          answer.set_value(co_await execute_control_command(proxy, line));
        },
        asio::detached);
    return answer.get_future().get();
  }
};

// A blocking loopback client whose reads give up after `timeout`.
struct Client {
  int fd = -1;
  Client(uint16_t port, Duration timeout) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
    tv.tv_usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count() % 1000000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() { close(fd); }
  // Sends `text` and returns what comes back: "" on a timeout, "<closed>" on EOF or a reset.
  std::string exchange(const std::string& text) {
    if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) return "<closed>";
    return receive();
  }
  std::string receive() {
    char buffer[256];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) return std::string(buffer, static_cast<size_t>(n));
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return "<closed>";
    return "";
  }
};

}  // namespace

TEST_CASE("the proxy forwards, and a new upstream takes new connections only (a DNS switch)") {
  ProxyBench bench;
  Client before(bench.proxy_port, 2s);
  CHECK(before.exchange("x") == "A:x");
  const auto answer =
      bench.control("upstream 127.0.0.1:" + std::to_string(bench.b.local_endpoint().port()));
  CHECK(answer.rfind("ok mode=forward", 0) == 0);
  Client after(bench.proxy_port, 2s);
  CHECK(after.exchange("y") == "B:y");
  CHECK(before.exchange("z") == "A:z");  // an open connection stays where it was
}

TEST_CASE("refuse resets new connections, and reset cuts the open ones") {
  ProxyBench bench;
  Client open(bench.proxy_port, 2s);
  CHECK(open.exchange("x") == "A:x");
  CHECK(bench.control("mode refuse").rfind("ok mode=refuse", 0) == 0);
  Client refused(bench.proxy_port, 2s);
  CHECK(refused.exchange("y") == "<closed>");
  CHECK(bench.control("reset") == "ok reset=1");
  CHECK(open.exchange("z") == "<closed>");
}

TEST_CASE("hold keeps a new connection waiting until the mode changes, then splices it") {
  ProxyBench bench;
  CHECK(bench.control("hold-if-idle 0").rfind("ok mode=hold", 0) == 0);
  Client held(bench.proxy_port, 300ms);
  CHECK(held.exchange("x") == "");  // no answer while held
  CHECK(bench.control("wait-held 2000") == "ok held=1");
  CHECK(bench.control("mode forward").rfind("ok", 0) == 0);
  CHECK(held.receive() == "A:x");  // what it sent while held went through
}

TEST_CASE("hold-if-idle refuses while a connection is open") {
  ProxyBench bench;
  Client open(bench.proxy_port, 2s);
  CHECK(open.exchange("x") == "A:x");
  const auto answer = bench.control("hold-if-idle 0");
  CHECK(answer.rfind("busy mode=forward", 0) == 0);
  CHECK(answer.find("open=1") != std::string::npos);
}

TEST_CASE("a partition holds data both ways and loses none, and latency delays answers") {
  ProxyBench bench;
  Client client(bench.proxy_port, 300ms);
  CHECK(client.exchange("x") == "A:x");
  CHECK(bench.control("toxic blackhole").find("toxics=blackhole") != std::string::npos);
  CHECK(client.exchange("y") == "");
  CHECK(bench.control("clear").find("toxics=none") != std::string::npos);
  CHECK(client.receive() == "A:y");

  CHECK(bench.control("toxic latency 150 0").find("latency=150ms") != std::string::npos);
  const auto sent = Clock::now();
  Client slow(bench.proxy_port, 2s);
  CHECK(slow.exchange("z") == "A:z");
  CHECK(Clock::now() - sent >= 150ms);  // the toxic acted (a functional check, not a benchmark)
}

TEST_CASE("reset_peer resets connections once they are as old as it says") {
  ProxyBench bench;
  Client client(bench.proxy_port, 2s);
  CHECK(client.exchange("x") == "A:x");
  CHECK(bench.control("toxic reset_peer 100").rfind("ok", 0) == 0);
  std::this_thread::sleep_for(300ms);
  CHECK(client.exchange("y") == "<closed>");
}

TEST_CASE("bad control commands are refused with the reason") {
  ProxyBench bench;
  CHECK(bench.control("toxic foo").rfind("error unknown toxic 'foo'", 0) == 0);
  CHECK(bench.control("toxic latency soon").rfind("error 'soon' is not a whole number of ms", 0) ==
        0);
  CHECK(bench.control("mode sideways").rfind("error mode is forward", 0) == 0);
  CHECK(bench.control("upstream nowhere").rfind("error expected host:port", 0) == 0);
  CHECK(bench.control("launch").rfind("error unknown command 'launch'", 0) == 0);
}

TEST_CASE("several upstreams take new connections in turn (a load balancer)") {
  ProxyBench bench;
  const auto a = std::to_string(bench.a.local_endpoint().port());
  const auto b = std::to_string(bench.b.local_endpoint().port());
  CHECK(bench.control("upstream 127.0.0.1:" + a + ",127.0.0.1:" + b).find(a + ",127.0.0.1:" + b) !=
        std::string::npos);
  Client first(bench.proxy_port, 2s), second(bench.proxy_port, 2s), third(bench.proxy_port, 2s);
  CHECK(first.exchange("1") == "A:1");
  CHECK(second.exchange("2") == "B:2");
  CHECK(third.exchange("3") == "A:3");
}

TEST_CASE("bandwidth paces a large answer, and slow_close passes a close on late") {
  ProxyBench bench;
  CHECK(bench.control("toxic bandwidth 20000").find("bandwidth=20000B/s") != std::string::npos);
  Client client(bench.proxy_port, 2s);
  const std::string big(5000, 'x');
  const auto sent = Clock::now();
  // The echo answers each chunk it reads with "A:" and the chunk: count the x's that came back.
  std::string received = client.exchange(big);
  auto echoed = [&] { return std::count(received.begin(), received.end(), 'x'); };
  while (echoed() < static_cast<long>(big.size())) {
    const std::string more = client.receive();
    if (more.empty() || more == "<closed>") break;
    received += more;
  }
  CHECK(echoed() == static_cast<long>(big.size()));
  // 5 KB each way at 20 KB/s: at least 0.25 s per direction (the toxic acted).
  CHECK(Clock::now() - sent >= 400ms);

  CHECK(bench.control("clear").find("toxics=none") != std::string::npos);
  CHECK(bench.control("toxic slow_close 300").find("slow_close=300ms") != std::string::npos);
  Client closing(bench.proxy_port, 2s);
  CHECK(closing.exchange("x") == "A:x");
  const auto bye = Clock::now();
  CHECK(closing.exchange("bye") == "<closed>");  // the server closed; the client hears it late
  CHECK(Clock::now() - bye >= 300ms);
}
