// Every report format a run can be rendered in, in one registry that `loadgate run` (which
// writes each format that has a file) and `loadgate report` (which renders the one asked for)
// both read, so a new format is added here and nowhere else.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/results.h"

namespace loadgate {

struct ReportFormat {
  const char* name;         // --format: console, json, junit, markdown, html
  const char* file;         // what `run` writes it to in the results directory; null: not written
  const char* description;  // for --help
  // `colour`: for a terminal (only the console format uses it).
  std::string (*render)(const RunResult& run, bool colour);
};

const std::vector<ReportFormat>& report_formats();
const ReportFormat* find_report_format(std::string_view name);
std::vector<std::string> report_format_names();

// Writes every format that has a file into `dir`, each atomically (a temporary file, then a
// rename): a reader never sees half a report. Throws std::runtime_error naming the file.
void write_report_files(const RunResult& run, const std::filesystem::path& dir);

}  // namespace loadgate
