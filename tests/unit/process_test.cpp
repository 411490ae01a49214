// Processes loadgate starts: they do not inherit what the run itself does with signals.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/process.h"

using namespace loadgate;
using namespace std::chrono_literals;

TEST_CASE("a program started while the run blocks SIGINT and SIGTERM still receives them") {
  // `loadgate run` blocks both to take them as a stop request; a pgbouncer a fault restarts must
  // still stop on SIGTERM.
  sigset_t stop, previous;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &previous);
  const auto log = std::filesystem::temp_directory_path() / "loadgate-process-test.log";
  std::filesystem::remove(log);
  const int status =
      run_to_completion({{"grep", "^SigBlk", "/proc/self/status"}, log, {}, {}}, 10s);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  CHECK(status == 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "SigBlk:\t0000000000000000\n");
  std::filesystem::remove(log);
}
