#include "reports/report_formats.h"

#include <sstream>

#include "harness/text_file.h"
#include "reports/console_summary.h"
#include "reports/html_report.h"
#include "reports/json_result.h"
#include "reports/junit_report.h"
#include "reports/markdown_summary.h"

namespace loadgate {

const std::vector<ReportFormat>& report_formats() {
  static const std::vector<ReportFormat> formats = {
      {"console", nullptr, "the summary `run` prints",
       [](const RunResult& run, bool colour) {
         std::ostringstream text;
         print_summary(run, text, colour);
         return text.str();
       }},
      {"json", "result.json", "every number (reports/json_result.h)",
       [](const RunResult& run, bool) { return result_to_json(run) + "\n"; }},
      {"junit", "junit.xml", "a testcase per claim and per check, for CI",
       [](const RunResult& run, bool) { return junit_xml(run); }},
      {"markdown", "summary.md", "a short summary for a pull request",
       [](const RunResult& run, bool) { return markdown_summary(run); }},
      {"html", "report.html", "one self-contained page with charts",
       [](const RunResult& run, bool) { return html_report(run); }},
  };
  return formats;
}

const ReportFormat* find_report_format(std::string_view name) {
  for (const auto& format : report_formats())
    if (name == format.name) return &format;
  return nullptr;
}

std::vector<std::string> report_format_names() {
  std::vector<std::string> names;
  for (const auto& format : report_formats()) names.emplace_back(format.name);
  return names;
}

void write_report_files(const RunResult& run, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& format : report_formats()) {
    if (!format.file) continue;
    replace_text_file(dir / format.file, format.render(run, false));
  }
}

}  // namespace loadgate
