// Ctrl-C and SIGTERM as a stop request, without a signal handler: while a SignalStop lives,
// SIGINT and SIGTERM are blocked in this thread and every thread started after it (they
// inherit the mask), and one thread of its own waits for them and requests a stop. Create it
// before any other thread.
#pragma once

#include <csignal>
#include <stop_token>
#include <thread>

namespace loadgate::cli {

class SignalStop {
 public:
  SignalStop();
  ~SignalStop();  // stops waiting and restores the signal mask
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  std::stop_token token() const { return source_.get_token(); }

 private:
  std::stop_source source_;
  sigset_t previous_;
  std::jthread waiter_;
};

}  // namespace loadgate::cli
