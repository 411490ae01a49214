// The control channel of loadgate-proxy: a loopback TCP port that takes one command per line and
// answers one line, "ok ..." or "error ...". The fault drivers speak it (faults/proxy_client.h);
// so can a person, with `nc 127.0.0.1 PORT`:
//
//   status                        mode, upstream, open/held connections, idle time, toxics
//   upstream HOST:PORT[,HOST:PORT] new connections go there, in turn (a DNS switch)
//   mode forward|refuse|blackhole|hold
//   reset                         reset every open connection
//   hold-if-idle MS               switch to hold if no connection was open for MS ("busy ..." if
//   not) wait-held MS                  answer once a connection is held, or after MS ("ok held=N")
//   toxic latency MS [JITTER_MS] | bandwidth BYTES_PER_S | slow_close MS | reset_peer MS |
//   blackhole
//                                 (toxics add up; blackhole is a partition, see Toxics)
//   clear                         remove every toxic
#pragma once

#include <string>

#include "testbed/proxy/tcp_proxy.h"

namespace loadgate::testbed {

// Runs one command line against `proxy` and returns the answer line (without the newline).
awaitable<std::string> execute_control_command(TcpProxy& proxy, const std::string& line);

// Accepts control connections on `listen` until the io_context stops.
awaitable<void> serve_control(TcpProxy& proxy, tcp::acceptor acceptor);

}  // namespace loadgate::testbed
