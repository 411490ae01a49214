// JSON Lines files that grow as a run goes (timeline.jsonl, observations.jsonl): one object a
// line, flushed line by line so a crash loses at most the line being written, and read back
// forgiving exactly that: a partial last line.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "harness/text_file.h"

namespace loadgate {

class JsonLinesWriter {
 public:
  // Creates the directory and the file (truncated); throws std::runtime_error naming the file,
  // here and on any write that fails (see AppendedFile).
  explicit JsonLinesWriter(const std::filesystem::path& file) : out_(file) {}
  void write(const nlohmann::json& line) { out_.write_line(line.dump()); }
  const std::filesystem::path& file() const { return out_.file(); }

 private:
  AppendedFile out_;
};

// The same lines pulled one at a time, for a reader that walks two files side by side.
class JsonLinesReader {
 public:
  // Nothing to read (next() is false at once) when the file is not a regular file or cannot be
  // opened: opened() says which.
  explicit JsonLinesReader(const std::filesystem::path& file);
  bool opened() const { return opened_; }
  // The next line's object; false at the end. Throws std::runtime_error naming file:line for a
  // line that does not parse, but for a last one cut short mid-write.
  bool next(nlohmann::json& object);
  // "file:line" of the line next() returned last, for a caller's own errors.
  std::string where() const;

 private:
  std::filesystem::path file_;
  std::ifstream in_;
  bool opened_ = false;
  size_t number_ = 0;
};

// Calls `each` with every line's object, one line in memory at a time. A last line that does not
// parse (a run killed mid-write) is skipped; any other, or any line that `each` refuses by
// throwing, throws std::runtime_error naming file:line. Returns false when the file is not a
// regular file or cannot be opened.
bool read_json_lines(const std::filesystem::path& file,
                     const std::function<void(const nlohmann::json&)>& each);

}  // namespace loadgate
