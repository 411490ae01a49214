// The fault drivers' side of loadgate-proxy's control channel (testbed/proxy/proxy_control.h):
// the endpoint proxy of a testbed, or one a user put in front of a staging service by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "harness/units.h"
#include "testbed/testbed_state.h"

namespace loadgate {

struct ProxyAnswer {
  bool ok = false;     // "ok ..." (false: "busy ...")
  std::string detail;  // the rest of the line
};

class ProxyClient {
 public:
  ProxyClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
  // The control channel of the proxy named `name` ("endpoint-proxy") in a testbed's state;
  // throws FaultError when there is none.
  static ProxyClient of_testbed(const testbed::TestbedState& state, const std::string& name);

  // Sends one command line. Throws FaultError naming the proxy and the command on an "error"
  // answer, on no answer within `timeout`, or when the control port does not answer.
  ProxyAnswer send(const std::string& command, Duration timeout = std::chrono::seconds(5)) const;
  std::string where() const;
  const std::string& host() const { return host_; }

 private:
  std::string host_;
  uint16_t port_ = 0;
};

}  // namespace loadgate
