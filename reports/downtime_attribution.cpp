#include "reports/downtime_attribution.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/units.h"

namespace loadgate {
namespace {

// A wait shorter than this between two layers' returns is the probes' resolution, not a cause.
constexpr Duration kNotableWait = std::chrono::seconds(1);

std::string offset(Duration d) {
  return fmt::format("+{:.2f}s", std::chrono::duration<double>(d).count());
}

const ProbeInfo* info_of(const std::vector<ProbeInfo>& probes, const std::string& name) {
  const auto it = std::find_if(probes.begin(), probes.end(),
                               [&](const ProbeInfo& p) { return p.name == name; });
  return it == probes.end() ? nullptr : &*it;
}

// Why a layer came back late, when the probes know: it reaches the database through a pgbouncer
// whose server_login_retry is at least as long as the wait.
std::string likely_cause(const ProbeInfo* layer, const std::vector<ProbeInfo>& probes,
                         Duration wait) {
  if (!layer || layer->through.empty()) return "";
  const ProbeInfo* pgbouncer = info_of(probes, layer->through);
  if (!pgbouncer || !pgbouncer->server_login_retry) return "";
  const Duration retry = *pgbouncer->server_login_retry;
  if (wait > retry + kNotableWait)
    return fmt::format("; longer than {}'s server_login_retry ({}), so not that alone",
                       pgbouncer->name, format_duration(retry));
  return fmt::format(
      "; {}'s server_login_retry ({}) is the likely cause (after a failed server login pgbouncer "
      "waits that long before it tries again, and its clients fail meanwhile)",
      pgbouncer->name, format_duration(retry));
}

}  // namespace

std::vector<LayerOutage> layer_outages(const std::vector<ProbeChange>& changes,
                                       const std::vector<ProbeInfo>& probes, Duration start,
                                       Duration end) {
  std::vector<LayerOutage> outages;
  for (size_t p = 0; p < probes.size(); ++p) {
    LayerOutage outage{probes[p].name, std::nullopt, std::nullopt};
    bool up = true;
    for (const auto& change : changes) {
      if (change.probe != p || change.at >= end) continue;
      if (change.at < start) {  // the state it is in when the window starts
        up = change.up;
        outage.reason = change.reason;
        continue;
      }
      if (!up && !outage.down) outage.down = Duration::zero();
      if (!change.up && !outage.down) {
        outage.down = change.at - start;
        outage.reason = change.reason;
      }
      outage.back = change.up ? std::optional(change.at - start) : std::nullopt;
      up = change.up;
    }
    if (!up && !outage.down) outage.down = Duration::zero();  // down throughout
    if (!outage.down) outage.reason.clear();
    outages.push_back(std::move(outage));
  }
  return outages;
}

std::string attribute_downtime(const FaultEvent& event, const std::vector<ProbeInfo>& probes) {
  // Each layer that went down, from the bottom up, then the workloads on top of them all.
  struct Outage {
    std::string name;
    const ProbeInfo* probe;  // none: the workloads
    Duration down;
    std::optional<Duration> back;
    std::vector<std::string> up_beneath;  // the layers below that never went down
  };
  std::vector<Outage> outages;
  std::vector<std::string> parts, up;
  for (const auto& layer : event.layers) {
    if (!layer.down) {
      parts.push_back(layer.probe + " up throughout");
      up.push_back(layer.probe);
      continue;
    }
    const ProbeInfo* probe = info_of(probes, layer.probe);
    outages.push_back({layer.probe, probe, *layer.down, layer.back, up});
    parts.push_back(!layer.back ? fmt::format("{} NEVER BACK", layer.probe)
                                : fmt::format("{} {} at {}", layer.probe,
                                              probe && probe->writable ? "writable again" : "back",
                                              offset(*layer.back)));
  }
  if (outages.empty()) return "";  // nothing probed went down: nothing to attribute
  std::optional<Duration> hit;
  std::optional<Duration> workloads_back = Duration::zero();
  for (const auto& impact : event.impacts) {
    if (!impact.first_error) continue;
    hit = std::min(hit.value_or(*impact.first_error), *impact.first_error);
    workloads_back = impact.recovered && workloads_back
                         ? std::optional(std::max(*workloads_back, *impact.recovered))
                         : std::nullopt;
  }
  if (hit) {
    outages.push_back({"the workloads", nullptr, *hit, workloads_back, up});
    parts.push_back(workloads_back ? fmt::format("workloads back at {}", offset(*workloads_back))
                                   : "workloads NOT back");
  }
  std::string sentence = fmt::format("{}", fmt::join(parts, ", "));
  // The longest wait of one outage beyond those below it: from the latest return beneath it (or
  // its own start, when all beneath it stayed up) to its own return.
  Duration widest{};
  const Outage* late = nullptr;
  const Outage* beneath = nullptr;
  for (size_t i = 0; i < outages.size(); ++i) {
    if (!outages[i].back) break;  // nothing above a layer that never came back is its own doing
    const Outage* below = nullptr;
    for (size_t j = 0; j < i; ++j)
      if (!below || *outages[j].back > *below->back) below = &outages[j];
    const Duration ready = std::max(outages[i].down, below ? *below->back : Duration::zero());
    if (*outages[i].back - ready > widest) {
      widest = *outages[i].back - ready;
      late = &outages[i];
      beneath = below && *below->back >= outages[i].down ? below : nullptr;
    }
  }
  if (!late || widest < kNotableWait) return sentence;
  const auto& steady = late->up_beneath;
  if (!beneath && steady.empty())  // the lowest layer probed: its outage is its own
    return fmt::format("{}: {} of the downtime was {}'s own outage", sentence,
                       format_duration(widest), late->name);
  const std::string where = beneath ? fmt::format("after {} was back", beneath->name)
                            : steady.size() == 1
                                ? fmt::format("while {} was up", steady.front())
                                : fmt::format("while {} were up", fmt::join(steady, " and "));
  if (!late->probe)  // the workloads: their own reconnect
    return fmt::format(
        "{}: {} of the downtime came {}, until the workloads were back (their own reconnect: a "
        "client pool's retry, a cached DNS answer)",
        sentence, format_duration(widest), where);
  return fmt::format("{}: {} of the downtime came {}, until {} was{}", sentence,
                     format_duration(widest), where, late->name,
                     likely_cause(late->probe, probes, widest));
}

}  // namespace loadgate
