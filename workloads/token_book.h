// The login-then-use flow: the tokens a login workload's virtual users got back, kept per virtual
// user, for the workloads that name it in `auth: {from: <login workload>}`. Virtual user v of such
// a workload acts as the same user as virtual user v of the login workload: it sends the token
// that user's last successful login returned. In the open model, where there are no virtual
// users, logins fill the slots in turn and a request uses any token already there.
//
//   login:    {kind: login, executor: {type: constant-vus, vus: 20, think: 30s}}
//   validate: {kind: jwt, executor: {type: constant-vus, vus: 20, think: 100ms},
//              auth: {from: login}}
// A request whose user has no token yet is not sent; it counts as the error no_token (put the
// first logins in a warmup phase).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/config_node.h"
#include "harness/workload.h"
#include "workloads/workload_context.h"

namespace loadgate {

class TokenBook {
 public:
  explicit TokenBook(size_t slots);
  // The token virtual user `vu` got (kAnyVu: the next slot in turn).
  void put(size_t vu, std::string token);
  // The token of virtual user `vu` (kAnyVu: any token there is), if it has one yet.
  std::optional<std::string> get(size_t vu, Rng& rng) const;

 private:
  mutable std::mutex mutex_;  // held for a copy: far shorter than a request
  std::vector<std::string> slots_;
  size_t next_ = 0;             // open model: the slot the next token goes to
  std::vector<size_t> filled_;  // the slots that hold a token, for a user of the open model
};

// The book of the login workload that `workload`'s `auth: {from: NAME}` names, or null without
// `auth`. Throws ConfigError naming the line when NAME is not a login workload of the scenario.
std::shared_ptr<TokenBook> read_auth_setting(const ConfigNode& workload,
                                             const WorkloadContext& context);

}  // namespace loadgate
