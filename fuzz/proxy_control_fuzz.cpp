// loadgate-proxy's control protocol: each line of the input a command, answered by a proxy of
// its own on loopback (no connection reaches it). A command still waiting (wait-held) after
// a millisecond is abandoned with its io_context.
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "testbed/proxy/proxy_control.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loadgate;
  std::vector<std::string> lines;
  for (auto line : fuzz::split(fuzz::as_text(data, size), "\n"))
    if (lines.size() < 32) lines.emplace_back(line);
  asio::io_context io;
  testbed::TcpProxy proxy(io, {"127.0.0.1", 0}, {{"127.0.0.1", 9}});
  for (const auto& line : lines) {
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          const std::string answer = co_await testbed::execute_control_command(proxy, line);
          if (answer.rfind("ok", 0) != 0 && answer.rfind("error", 0) != 0 &&
              answer.rfind("busy", 0) != 0)
            __builtin_trap();  // every answer is one of the three
        },
        asio::detached);
    io.restart();
    io.run_for(std::chrono::milliseconds(1));
  }
  return 0;
}
