// Reading a whole small file (a scenario, a PEM key) into memory, writing one (a report), and
// appending to one line by line as a run goes (the timeline).
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace loadgate {

// The file's contents, or nullopt when it cannot be opened or read (errno says why).
std::optional<std::string> read_text_file(const std::filesystem::path& file);
// Writes `text` as the whole file; throws std::runtime_error naming the file when it cannot.
void write_text_file(const std::filesystem::path& file, const std::string& text);
// The same through a temporary file and a rename: a reader never sees half of it, and a write
// that fails (a full disk) leaves the old file whole.
void replace_text_file(const std::filesystem::path& file, const std::string& text);

// Makes `file` (and its directory) if need be, readable and writable by its owner alone (0600):
// a command's output may hold what its tools printed of credentials. Throws std::runtime_error
// naming the file when it cannot.
void make_private_file(const std::filesystem::path& file);

// `name` (a workload's) as a file name: letters, digits, '-' and '_' kept, anything else '_'.
std::string file_name_for(std::string_view name);

// A file written a line at a time and flushed after each, so a crash loses at most the line
// being written. Every failure (a full disk, a quota) throws std::runtime_error naming the file
// and the system's reason: a run that cannot keep its record must know at once.
class AppendedFile {
 public:
  // Creates the directory and the file: truncated, or kept and added to with `append`.
  explicit AppendedFile(const std::filesystem::path& file, bool append = false);
  // Writes `line` and a newline, then flushes.
  void write_line(std::string_view line);
  const std::filesystem::path& file() const { return file_; }

 private:
  [[noreturn]] void fail(const char* doing) const;
  std::filesystem::path file_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_;
};

}  // namespace loadgate
