#include "harness/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace loadgate {

std::optional<std::string> read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

void write_text_file(const std::filesystem::path& file, const std::string& text) {
  std::FILE* out = std::fopen(file.c_str(), "w");
  const bool written = out && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const int error = errno;
  if (!out || std::fclose(out) != 0 || !written)
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", file.string(), std::strerror(written ? errno : error)));
}

void replace_text_file(const std::filesystem::path& file, const std::string& text) {
  auto temporary = file;
  temporary += ".tmp";
  write_text_file(temporary, text);
  std::filesystem::rename(temporary, file);
}

void make_private_file(const std::filesystem::path& file) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!ok)
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", file.string(), std::strerror(error)));
}

std::string file_name_for(std::string_view name) {
  std::string file(name);
  for (char& c : file)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return file;
}

AppendedFile::AppendedFile(const std::filesystem::path& file, bool append)
    : file_(file), out_(nullptr, &std::fclose) {
  std::error_code ignored;  // a directory that cannot be made fails the open below, named
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ignored);
  out_.reset(std::fopen(file.c_str(), append ? "a" : "w"));
  if (!out_) fail("open");
}

void AppendedFile::write_line(std::string_view line) {
  if (std::fwrite(line.data(), 1, line.size(), out_.get()) != line.size() ||
      std::fputc('\n', out_.get()) == EOF || std::fflush(out_.get()) != 0)
    fail("write");
}

void AppendedFile::fail(const char* doing) const {
  throw std::runtime_error(
      fmt::format("cannot {} {}: {}", doing, file_.string(), std::strerror(errno)));
}

}  // namespace loadgate
