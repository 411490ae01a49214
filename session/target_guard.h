// The target guard: a run's load, observers, probes and faults reach only this machine (loopback:
// 127.0.0.0/8, ::1, localhost, a Unix socket) unless the host is allowed by name, in the scenario
// or on the command line:
//
//   target: {urls: [https://api.staging.example.com], allow: [api.staging.example.com,
//   "*.db.internal"]} loadgate run s.yaml --allow-target api.staging.example.com --allow-target
//   "*.db.internal"
//
// A host is matched as the scenario writes it, never resolved (a name may point anywhere, and
// resolving is itself a request); "*.suffix" allows every name under it.
//
// Faults need a second yes when they may act beyond this machine: every fault of a run that
// reaches an allowed host, and every fault of a ready driver (aws, kubectl, patronictl act on a
// cloud or a cluster whose instances are names, not hosts). `--confirm-faults`, or "yes" typed
// on a terminal, gives it; RunSession refuses to start without it. A run on loopback alone (the
// testbed, a deployment of the user's on 127.0.0.1 with `driver: command`) needs neither.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loadgate {

struct RunPlan;

// A host the run connects to, and what of the run connects there ("target.urls",
// "workloads.orders (SQL)", "probes.database", "faults[0] (pgbouncer-restart by
// pgbouncer-console)").
struct Reach {
  std::string host;
  std::string what;
};

// 127.0.0.0/8, ::1 (also [::1] and ::ffff:127.x.y.z), localhost, or a Unix socket's path.
bool is_loopback_host(std::string_view host);
// Whether `host` is one of `allowed` (case-insensitively), or under one's "*.suffix".
bool is_allowed_host(std::string_view host, const std::vector<std::string>& allowed);

// Every host the plan's HTTP workloads, databases (workloads, ledgers), observer, probes and
// faults connect to.
std::vector<Reach> plan_reach(const RunPlan& plan);

// Throws std::runtime_error naming each host of `reach` that is neither loopback nor allowed,
// what reaches it, and how to allow it; `scenario` names the file.
void check_reach(const std::vector<Reach>& reach, const std::vector<std::string>& allowed,
                 const std::string& scenario);

// The hosts of `reach` beyond this machine, each once: "api.staging.example.com (target.urls)".
std::vector<std::string> remote_hosts(const std::vector<Reach>& reach);

// The plan's faults that need --confirm-faults, each described with why ("failover by
// aws-rds-failover app-db at 2m: acts on a cloud or cluster"); empty when none do.
std::vector<std::string> faults_to_confirm(const RunPlan& plan,
                                           const std::vector<std::string>& remote);

// The refusal RunSession gives for unconfirmed faults, and the question a terminal is asked.
std::string unconfirmed_faults_message(const std::vector<std::string>& faults);

}  // namespace loadgate
