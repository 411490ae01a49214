#include "faults/client_recovery.h"

#include <thread>

namespace loadgate {
namespace {

bool all_back(const std::vector<ClientRecovery>& results) {
  for (const auto& r : results)
    if (r.tried == 0 || r.recovered < r.tried) return false;
  return true;
}

}  // namespace

std::vector<ClientRecovery> await_client_recovery(const std::vector<TrackedClients>& clients,
                                                  Clock::time_point since,
                                                  Clock::time_point deadline,
                                                  std::stop_token stop) {
  // When each group of each workload's clients was back (its first success since the recovery).
  std::vector<RecoveryUnits::BackAt> back_at(clients.size());
  auto assess = [&] {
    std::vector<ClientRecovery> results;
    for (size_t i = 0; i < clients.size(); ++i) {
      clients[i].units->update_back_at(back_at[i], since);
      results.push_back(clients[i].units->assess(clients[i].workload, since, back_at[i]));
    }
    return results;
  };
  if (clients.empty()) return {};
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline || stop.stop_requested()) break;
    if (now >= since + kClientRecoveryMinimumWatch && all_back(assess())) break;
    std::this_thread::sleep_for(std::min<Duration>(deadline - now, std::chrono::milliseconds(250)));
  }
  return assess();
}

}  // namespace loadgate
