#include "cli/scenario_run.h"

#include <cstdlib>

#include <fmt/format.h>

#include "cli/metrics_options.h"
#include "harness/text_file.h"

#include "reports/progress_line.h"
#include "reports/report_formats.h"
#include "session/run_session.h"

namespace loadgate::cli {

std::optional<RunResult> run_scenario(const PlanRequest& request, std::stop_token stop,
                                      std::vector<std::string>& errors, PrometheusEndpoint* metrics,
                                      const std::string& run_id) {
  RunResult result;
  const std::filesystem::path out = request.out.value_or("");
  try {
    RunPlan plan = make_plan(request);
    ProgressLine progress(plan.scenario.duration);
    std::vector<IntervalSink*> sinks{&progress};
    if (metrics) {
      begin_metrics_run(*metrics, plan, run_id);
      sinks.push_back(metrics);
    }
    RunSession session(plan, sinks);
    session.prepare();
    result = session.run(stop);
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("{}: {}", out.string(), e.what()));
    return std::nullopt;
  }
  try {
    write_report_files(result, out);
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  return result;
}

std::string run_id_under(const std::filesystem::path& out, const std::filesystem::path& dir) {
  return (out.filename() / dir.lexically_relative(out)).generic_string();
}

void append_step_summary(const std::string& markdown) {
  if (const char* file = std::getenv("GITHUB_STEP_SUMMARY"); file && *file)
    AppendedFile(file, /*append=*/true).write_line(markdown);
}

}  // namespace loadgate::cli
