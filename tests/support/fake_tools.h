// Fake command-line tools (aws, patronictl, curl, kubectl) for the ready fault drivers' tests:
// shell scripts in a directory of their own that record each call's arguments and answer from
// files the test writes, so a test sees exactly what a driver ran and can play the system's part
// ("failing-over" twice, then "available").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loadgate::test {

class FakeTools {
 public:
  // Creates `dir` afresh with the four tools in it.
  explicit FakeTools(const std::filesystem::path& dir);

  // A call with an argument `word`, or ending in /`word` (a subcommand: describe-db-clusters,
  // list, wait; a URL's path) is
  // answered by the next of `answers`, the last one repeating: its text on stdout (\t for a tab),
  // or "!N" to exit N instead. A call nobody answers prints nothing and exits 0.
  void answer(const std::string& word, const std::vector<std::string>& answers) const;
  // Each call so far, one a line: the tool's name and its arguments joined by spaces.
  std::vector<std::string> calls() const;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path log_dir() const { return dir_ / "faults"; }

 private:
  std::filesystem::path dir_;
};

// Puts `dir` first on this process's PATH for its life (the drivers look their tools up there).
class PathPrefix {
 public:
  explicit PathPrefix(const std::filesystem::path& dir);
  ~PathPrefix();
  PathPrefix(const PathPrefix&) = delete;
  PathPrefix& operator=(const PathPrefix&) = delete;

 private:
  std::string saved_;
};

}  // namespace loadgate::test
