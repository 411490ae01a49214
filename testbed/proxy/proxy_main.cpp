// loadgate-proxy: the testbed's endpoint proxy (see tcp_proxy.h). Started by `testbed up`.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "testbed/proxy/tcp_proxy.h"

int main(int argc, char** argv) {
  using namespace loadgate;
  CLI::App app{"loadgate-proxy: forwards TCP connections from --listen to --upstream (loopback)"};
  std::string listen, upstream;
  app.add_option("--listen", listen, "host:port to accept on")->required();
  app.add_option("--upstream", upstream, "host:port to forward to")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    asio::io_context io(1);
    testbed::TcpProxy proxy(io, testbed::parse_host_port(listen),
                            testbed::parse_host_port(upstream));
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    asio::co_spawn(io, proxy.serve(), asio::detached);
    std::cerr << "loadgate-proxy: " << listen << " -> " << upstream << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "loadgate-proxy: " << e.what() << std::endl;
    return 1;
  }
}
