// Command gauges (observe.commands): real commands through /bin/sh, their readings and their
// failures; and the gauge metrics built on samples (.max, .min, .rise, .rose_after).
#include <catch2/catch.hpp>

#include <filesystem>
#include <limits>

#include "harness/config_node.h"
#include "observe/command_gauges.h"
#include "reports/claim_metrics.h"

using namespace loadgate;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path log_dir() {
  return std::filesystem::temp_directory_path() / "loadgate-command-gauges-test";
}

GaugeCommand command(const std::string& run, Duration timeout = 2s) {
  return {"command.tasks", run, 10s, timeout, {"TASKS_NOW=4"}};
}

std::vector<GaugeCommand> parse(const std::string& yaml) {
  const auto source = std::make_shared<const ConfigSource>(ConfigSource{"observe.yaml", {}});
  return read_gauge_commands(ConfigNode(parse_yaml_text(yaml, "observe.yaml"), source, "commands"));
}

}  // namespace

TEST_CASE("a command gauge reads the last number its command prints") {
  CHECK(read_gauge(command("echo 'tasks running:'; echo ' 3 '"), log_dir()).value == 3.0);
  // Its own variables reach it beside loadgate's environment.
  CHECK(read_gauge(command("echo $TASKS_NOW"), log_dir()).value == 4.0);
}

TEST_CASE("a command gauge that fails, prints no number or runs too long is a gap with a reason") {
  const auto failed = read_gauge(command("echo denied >&2; exit 255"), log_dir());
  CHECK_FALSE(failed.value);
  CHECK_THAT(failed.problem, Contains("exited 255"));
  const auto none = read_gauge(command("echo None"), log_dir());
  CHECK_FALSE(none.value);
  CHECK_THAT(none.problem, Contains("printed 'None', not a number"));
  const auto slow = read_gauge(command("sleep 5; echo 1", 300ms), log_dir());
  CHECK_FALSE(slow.value);
  CHECK_THAT(slow.problem, Contains("ran past its 300ms"));
}

TEST_CASE("command gauges run on their own thread, and hand each reading over once") {
  CommandGauges gauges({{"command.a", "echo 7", 1s, 1s, {}}, {"command.b", "exit 1", 1s, 1s, {}}},
                       log_dir());
  gauges.start();
  std::map<std::string, double> seen;
  for (int i = 0; i < 100 && seen.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    seen = gauges.take();
  }
  gauges.stop();
  CHECK(seen == std::map<std::string, double>{{"command.a", 7}});
  CHECK(gauges.take().empty());  // taken already
  CHECK(gauges.gaps().count >= 1);
  CHECK_THAT(gauges.gaps().first_reason, Contains("command.b: exited 1"));
}

TEST_CASE("observe.commands refuses a bad name, interval or timeout, naming its line") {
  const auto read = parse("- {name: ecs.running_tasks, run: 'aws ecs ...', every: 15s}");
  REQUIRE(read.size() == 1);
  CHECK(read[0].gauge == "command.ecs.running_tasks");
  CHECK(read[0].timeout == 10s);  // the default: every, at most 10 s
  CHECK_THROWS_WITH(parse("- {name: 'running tasks', run: x}"),
                    Contains("observe.yaml:1:") && Contains("letters, digits"));
  CHECK_THROWS_WITH(parse("- {name: a, run: x, every: 100ms}"), Contains("at most every 1s"));
  CHECK_THROWS_WITH(parse("- {name: a, run: x, every: 5s, timeout: 10s}"),
                    Contains("at most the command's `every`"));
  CHECK_THROWS_WITH(parse("- {name: a, run: x, every: 1m, timeout: 30s}"), Contains("at most 10s"));
  CHECK_THROWS_WITH(parse("- {name: tasks.max, run: x}"), Contains("name it otherwise"));
  CHECK_THROWS_WITH(parse("- {name: a, run: x}\n- {name: a, run: y}"), Contains("unique"));
  CHECK_THROWS_WITH(parse("- {name: a, run: x, evry: 5s}"), Contains("every"));
}

TEST_CASE("a gauge's rise and how soon it rose are measured from its first sample in the scope") {
  ObservedPeaks peaks;
  for (const auto& [at, tasks] :
       std::vector<std::pair<Duration, double>>{{10s, 2}, {25s, 2}, {40s, 3}, {55s, 5}, {70s, 4}})
    peaks.add({at, {{"command.tasks", tasks}}});
  CHECK(measure_observed("command.tasks", peaks).value == 5.0);
  CHECK(measure_observed("command.tasks.max", peaks).value == 5.0);
  CHECK(measure_observed("command.tasks.min", peaks).value == 2.0);
  CHECK(measure_observed("command.tasks.rise", peaks).value == 3.0);
  const Measurement rose = measure_observed("command.tasks.rose_after", peaks);
  CHECK(rose.value == 30.0);  // first at 10 s, first above it at 40 s
  CHECK(rose.quantity == Quantity::duration);

  ObservedPeaks flat;
  flat.add({0s, {{"command.tasks", 2}}});
  flat.add({15s, {{"command.tasks", 1}}});
  const Measurement never = measure_observed("command.tasks.rose_after", flat);
  CHECK(never.value == std::numeric_limits<double>::infinity());  // "never": a claim breaks
  CHECK_THAT(never.evidence, Contains("never rose above its first sample (2)"));

  // Two windows merged: extremes kept, the least rise and the slower rise win.
  ObservedPeaks both = peaks;
  ObservedPeaks later;
  later.add({100s, {{"command.tasks", 1}}});
  later.add({160s, {{"command.tasks", 2}}});
  both.merge(later);
  CHECK(measure_observed("command.tasks.min", both).value == 1.0);
  CHECK(measure_observed("command.tasks.max", both).value == 5.0);
  CHECK(measure_observed("command.tasks.rise", both).value == 1.0);
  CHECK(measure_observed("command.tasks.rose_after", both).value == 60.0);
  // A window where it stayed flat makes the merged rise "never", whatever the others did.
  both.merge(flat);
  CHECK(measure_observed("command.tasks.rose_after", both).value ==
        std::numeric_limits<double>::infinity());
  CHECK(measure_observed("command.tasks.rise", both).value == 0.0);
}
