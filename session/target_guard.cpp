#include "session/target_guard.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/libpq_text.h"
#include "session/run_plan.h"

namespace loadgate {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view unbracketed(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

void add_dsn(std::vector<Reach>& reach, const std::string& dsn, const std::string& what) {
  for (auto& host : dsn_hosts(dsn)) reach.push_back({std::move(host), what});
}

std::string describe_fault(const FaultTimeline::Entry& entry) {
  return fmt::format("{} at {}", entry.fault->describe(), format_duration(entry.spec.at));
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  host = unbracketed(host);
  if (host.starts_with('/') || host.starts_with('@')) return true;  // a Unix socket
  const std::string name = lower(host);
  if (name == "localhost" || name == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool is_allowed_host(std::string_view host, const std::vector<std::string>& allowed) {
  const std::string name = lower(unbracketed(host));
  return std::ranges::any_of(allowed, [&](const std::string& entry) {
    const std::string pattern = lower(unbracketed(entry));
    if (pattern.starts_with("*.")) return name.ends_with(pattern.substr(1));
    return name == pattern;
  });
}

std::vector<Reach> plan_reach(const RunPlan& plan) {
  std::vector<Reach> reach;
  if (plan.sends_http())
    for (const auto& endpoint : plan.target.endpoints)
      reach.push_back({endpoint.host, "target.urls"});
  for (size_t i = 0; i < plan.workloads.size(); ++i) {
    const std::string name = plan.scenario.workloads[i].name;
    for (const auto& host : plan.workloads[i].database_hosts)
      reach.push_back({host, fmt::format("workloads.{} (SQL)", name)});
    if (plan.workloads[i].ledger)
      for (auto& host : plan.workloads[i].ledger->hosts())
        reach.push_back({std::move(host), fmt::format("workloads.{} (ledger read-back)", name)});
  }
  if (plan.observed) {
    // Its nodes are the primary and the replicas, wherever it was told of them.
    if (plan.observed->nodes)
      for (const auto& node : plan.observed->nodes()) add_dsn(reach, node.dsn, "observe.postgres");
    for (const auto& pgbouncer : plan.observed->pgbouncers)
      add_dsn(reach, pgbouncer.dsn, "observe.pgbouncer");
  }
  if (plan.probes)
    for (const auto& probe : plan.probes->probes) {
      const std::string what = "probes." + probe.name;
      if (probe.layer == ProbeSpec::Layer::http)
        reach.push_back({probe.endpoint.host, what});
      else if (probe.layer != ProbeSpec::Layer::command)
        add_dsn(reach, probe.target, what);
    }
  for (size_t i = 0; i < plan.faults.size(); ++i)
    for (auto& host : plan.faults[i].fault->hosts())
      reach.push_back(
          {std::move(host), fmt::format("faults[{}] ({})", i, plan.faults[i].fault->describe())});
  return reach;
}

void check_reach(const std::vector<Reach>& reach, const std::vector<std::string>& allowed,
                 const std::string& scenario) {
  std::vector<std::string> refused, hosts;
  std::set<std::string> seen;
  for (const auto& r : reach) {
    if (is_loopback_host(r.host) || is_allowed_host(r.host, allowed)) continue;
    if (!seen.insert(r.host + '\n' + r.what).second) continue;
    refused.push_back(fmt::format("{} ({})", r.host, r.what));
    if (std::ranges::find(hosts, r.host) == hosts.end()) hosts.push_back(r.host);
  }
  if (refused.empty()) return;
  std::string flags;
  for (const auto& host : hosts) flags += fmt::format(" --allow-target {}", host);
  throw std::runtime_error(fmt::format(
      "{}: refusing to reach beyond this machine: {}. Load and faults go only to loopback "
      "(127.0.0.0/8, ::1, localhost) unless the host is allowed: `allow: [{}]` under target: in "
      "the scenario, or{}. Nothing was sent",
      scenario, fmt::join(refused, ", "), fmt::join(hosts, ", "), flags));
}

std::vector<std::string> remote_hosts(const std::vector<Reach>& reach) {
  std::vector<std::string> remote;
  std::set<std::string> seen;
  for (const auto& r : reach)
    if (!is_loopback_host(r.host) && seen.insert(r.host).second)
      remote.push_back(fmt::format("{} ({})", r.host, r.what));
  return remote;
}

std::vector<std::string> faults_to_confirm(const RunPlan& plan,
                                           const std::vector<std::string>& remote) {
  std::vector<std::string> faults;
  for (const auto& entry : plan.faults) {
    if (!remote.empty())
      faults.push_back(fmt::format(
          "{}: the run reaches {}", describe_fault(entry),
          remote.size() == 1 ? remote.front()
                             : fmt::format("{} hosts beyond this machine", remote.size())));
    else if (entry.fault->acts_on_cloud())
      faults.push_back(fmt::format("{}: acts on a cloud or cluster through {}",
                                   describe_fault(entry), entry.fault->driver()));
  }
  return faults;
}

std::string unconfirmed_faults_message(const std::vector<std::string>& faults) {
  return fmt::format(
      "{} fault(s) would act beyond this machine: {}. Pass --confirm-faults to inject them (or "
      "answer yes on a terminal); --dry-run shows each one's commands",
      faults.size(), fmt::join(faults, "; "));
}

}  // namespace loadgate
