#include "testbed/launch.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate::testbed {

ProcessRecord start_and_wait(ProcessRecord record, const ProcessSpec& spec, Duration timeout) {
  record.pid = spawn_detached(spec);
  record.start_ticks = process_start_ticks(record.pid);
  if (wait_for_port(record.host, record.port, timeout) &&
      process_alive(record.pid, record.start_ticks))
    return record;
  stop_process(record.pid, record.start_ticks, std::chrono::seconds(5));
  throw std::runtime_error(fmt::format("{} did not start on port {}: {}", record.name, record.port,
                                       tail_of(record.log_file)));
}

void write_private_file(const std::filesystem::path& file, const std::string& text,
                        const std::optional<RunAs>& owner) {
  unlink(file.c_str());  // a file left by someone else must not keep its owner or mode
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", file.string(), std::strerror(errno)));
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool owned = !owner || fchown(fd, owner->uid, owner->gid) == 0;
  close(fd);
  if (!written || !owned) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

}  // namespace loadgate::testbed
