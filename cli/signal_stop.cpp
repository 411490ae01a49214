#include "cli/signal_stop.h"

#include <pthread.h>

#include <ctime>

namespace loadgate::cli {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

SignalStop::SignalStop() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_);
  waiter_ = std::jthread([this, set](std::stop_token stop) {
    // Wakes every 100 ms to see whether it should end; a signal ends the wait at once.
    const timespec slice{0, 100'000'000};
    while (!stop.stop_requested())
      if (sigtimedwait(&set, nullptr, &slice) > 0) source_.request_stop();
  });
}

SignalStop::~SignalStop() {
  waiter_.request_stop();
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace loadgate::cli
