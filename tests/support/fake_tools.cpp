#include "tests/support/fake_tools.h"

#include <cstdlib>
#include <fstream>

namespace loadgate::test {
namespace {

// The first argument with an answers file (by its last path component: a URL's /cluster) picks
// it; its first line is the answer, removed
// unless it is the last.
constexpr const char* kScript = R"sh(#!/bin/sh
dir=$(dirname "$0")
echo "$(basename "$0") $*" >> "$dir/calls"
for arg in "$@"; do
  answers="$dir/answers/$(basename -- "$arg")"
  [ -f "$answers" ] || continue
  line=$(head -n 1 "$answers")
  [ "$(wc -l < "$answers")" -gt 1 ] && sed -i 1d "$answers"
  if [ "${line#!}" != "$line" ]; then exit "${line#!}"; fi
  printf '%b\n' "$line"
  exit 0
done
exit 0
)sh";

}  // namespace

FakeTools::FakeTools(const std::filesystem::path& dir) : dir_(dir) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ / "answers");
  for (const char* tool : {"aws", "patronictl", "curl", "kubectl"}) {
    std::ofstream(dir_ / tool) << kScript;
    std::filesystem::permissions(dir_ / tool, std::filesystem::perms::owner_all);
  }
}

void FakeTools::answer(const std::string& word, const std::vector<std::string>& answers) const {
  std::ofstream out(dir_ / "answers" / word);
  for (const auto& line : answers) out << line << "\n";
}

std::vector<std::string> FakeTools::calls() const {
  std::ifstream in(dir_ / "calls");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

PathPrefix::PathPrefix(const std::filesystem::path& dir) {
  const char* path = std::getenv("PATH");
  saved_ = path ? path : "";
  setenv("PATH", (dir.string() + ":" + saved_).c_str(), 1);
}

PathPrefix::~PathPrefix() {
  setenv("PATH", saved_.c_str(), 1);
}

}  // namespace loadgate::test
