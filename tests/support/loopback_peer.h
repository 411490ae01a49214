// A one-thread loopback HTTP peer that behaves as told, for the client and runner tests that
// need a peer misbehaving on purpose (no real server can be told to send garbage or to hang).
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "harness/asio.h"
#include "harness/http_types.h"

namespace loadgate::test {

enum class PeerBehaviour {
  ok,               // 200 "ok" to every request, keep-alive
  garbage,          // bytes that are not HTTP
  close_at_once,    // closes without answering
  silent,           // accepts, reads, never answers
  busy_then_close,  // 503 "busy" with Connection: close
  slow_ok,          // 200 "ok" after 50 ms, keep-alive: concurrency grows with the rate
  // Hostile answers, each written until the client goes away (at most 16 GiB, a bound):
  endless_headers,  // a status line, then header lines forever
  endless_body,     // a chunked body that never ends
  huge_length,      // Content-Length: 10 GB, then the body
  slowloris         // a status line, then one header byte every 100 ms
};

class LoopbackPeer {
 public:
  explicit LoopbackPeer(PeerBehaviour behaviour);
  ~LoopbackPeer();
  Endpoint endpoint() const;
  // Connections it serves: accepted and closed by neither side (a silent peer holds its own).
  size_t open_connections() const { return open_; }
  // Replies written whole: what the client's own counts can be checked against.
  size_t replies() const { return replies_; }
  // Bytes of hostile answers written (each write counted once it completed).
  uint64_t bytes_streamed() const { return streamed_; }

 private:
  awaitable<void> serve();
  awaitable<void> answer(std::shared_ptr<tcp::socket> socket);
  awaitable<void> stream_hostile(tcp::socket& socket);

  PeerBehaviour behaviour_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> held_;
  std::atomic<size_t> open_ = 0;
  std::atomic<size_t> replies_ = 0;
  std::atomic<uint64_t> streamed_ = 0;
  std::jthread thread_;
};

}  // namespace loadgate::test
