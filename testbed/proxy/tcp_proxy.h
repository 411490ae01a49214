// A TCP forwarder on loopback: the testbed's "endpoint" that stands for the RDS DNS name in
// front of the Postgres primary. The faults issue makes its upstream switchable and gives it
// toxics; here it forwards bytes both ways, one coroutine per direction.
#pragma once

#include <cstdint>
#include <string>

#include "harness/asio.h"

namespace loadgate::testbed {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "127.0.0.1:5432" → {host, port}; throws std::invalid_argument naming the text otherwise.
HostPort parse_host_port(const std::string& text);

class TcpProxy {
 public:
  TcpProxy(asio::io_context& io, const HostPort& listen, const HostPort& upstream);
  // Accepts until the io_context stops.
  awaitable<void> serve();

 private:
  awaitable<void> forward(tcp::socket client);

  tcp::acceptor acceptor_;
  tcp::endpoint upstream_;
};

}  // namespace loadgate::testbed
