// JSON Lines files that grow as a run goes (timeline.jsonl, observations.jsonl): one object a
// line, flushed line by line so a crash loses at most the line being written, and read back
// forgiving exactly that: a partial last line.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

namespace loadgate {

class JsonLinesWriter {
 public:
  // Creates the directory and the file (truncated); throws std::runtime_error naming the file.
  explicit JsonLinesWriter(const std::filesystem::path& file);
  void write(const nlohmann::json& line);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::ofstream out_;
};

// Calls `each` with every line's object. A partial last line (a run killed mid-write) is
// skipped; any other line that does not parse, or that `each` refuses by throwing, throws
// std::runtime_error naming file:line. Returns false when the file cannot be opened.
bool read_json_lines(const std::filesystem::path& file,
                     const std::function<void(const nlohmann::json&)>& each);

}  // namespace loadgate
