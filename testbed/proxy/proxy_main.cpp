// loadgate-proxy: the testbed's endpoint proxy (see tcp_proxy.h), started by `testbed up`. It can
// also stand in front of a staging database or service by hand, with faults driven through its
// control port (see proxy_control.h).
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "testbed/proxy/proxy_control.h"
#include "testbed/proxy/tcp_proxy.h"

int main(int argc, char** argv) {
  using namespace loadgate;
  CLI::App app{
      "loadgate-proxy: forwards TCP connections from --listen to --upstream, and takes faults\n"
      "(upstream switch, refuse, blackhole, hold, reset, toxics) on its --control port:\n"
      "  status | upstream HOST:PORT[,...] | mode forward|refuse|blackhole|hold | reset\n"
      "  hold-if-idle MS | wait-held MS | clear\n"
      "  toxic latency MS [JITTER_MS] | bandwidth BYTES_PER_S | slow_close MS | reset_peer MS\n"
      "        | blackhole\n"
      "one command per line, one answer line (\"ok ...\", \"busy ...\" or \"error ...\")"};
  std::string listen, upstream, control;
  app.add_option("--listen", listen, "host:port to accept on")->required();
  app.add_option("--upstream", upstream,
                 "host:port to forward to; several, comma-separated, take new connections in turn")
      ->required();
  app.add_option("--control", control, "host:port of the control channel (none if not given)");
  CLI11_PARSE(app, argc, argv);
  try {
    asio::io_context io(1);
    testbed::TcpProxy proxy(io, testbed::parse_host_port(listen),
                            testbed::parse_host_ports(upstream));
    if (!control.empty()) {
      const auto where = testbed::parse_host_port(control);
      tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address(where.host), where.port));
      asio::co_spawn(io, testbed::serve_control(proxy, std::move(acceptor)), asio::detached);
    }
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    asio::co_spawn(io, proxy.serve(), asio::detached);
    std::cerr << "loadgate-proxy: " << listen << " -> " << upstream
              << (control.empty() ? "" : ", control on " + control) << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "loadgate-proxy: " << e.what() << std::endl;
    return 1;
  }
}
