#include "session/run_target.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "testbed/testbed_state.h"

namespace loadgate {

ResolvedTarget resolve_target(const TargetSpec& target) {
  ResolvedTarget resolved;
  std::vector<std::string> urls = target.urls;
  if (target.testbed) {
    const auto dir = testbed::resolve_dir(*target.testbed);
    auto state = testbed::read_state(dir);
    if (!state)
      throw std::runtime_error(
          fmt::format("no testbed in {}: start one with `loadgate testbed up --dir {}`",
                      dir.string(), dir.string()));
    urls = state->service_urls();
    resolved.deployment.instances = state->with_role("service").size();
    resolved.deployment.topology = state->topology();
    resolved.deployment.bcrypt_cost = state->users.bcrypt_cost;
    if (target.via_edge) {
      const auto* edge = state->find("edge-proxy");
      if (!edge)
        throw std::runtime_error(fmt::format(
            "the testbed in {} has no edge proxy (it predates it): `loadgate testbed down` and "
            "`up` again",
            dir.string()));
      urls = {fmt::format("http://{}:{}", edge->host, edge->port)};
    }
    resolved.faults.testbed_dir = dir;
    for (const auto* pgbouncer : state->with_role("pgbouncer"))
      resolved.context.database_dsns.push_back(fmt::format("host={} port={} dbname={} user={}",
                                                           pgbouncer->host, pgbouncer->port,
                                                           state->database, state->db_user));
    if (const auto* endpoint = state->find("endpoint-proxy"))
      resolved.context.database_endpoint_dsn =
          fmt::format("host={} port={} dbname={} user={}", endpoint->host, endpoint->port,
                      state->database, state->db_user);
    resolved.context.db_password_file = state->db_password_file;
    resolved.context.jwt_secret_file = state->jwt_secret_file;
    resolved.context.jwt_rs256_private_key_file = state->jwt_rs256_private_key_file;
    resolved.context.jwt_es256_private_key_file = state->jwt_es256_private_key_file;
    // The seeded users' credentials follow the pattern the state names: user<n>, password<n % k>.
    const int count = std::min(state->users.count, 100'000);
    for (int n = 1; n <= count; ++n)
      resolved.context.seeded_users.push_back(
          {fmt::format("user{}", n),
           fmt::format("password{}", n % state->users.distinct_passwords)});
  }
  for (const auto& url : urls) resolved.endpoints.push_back(parse_endpoint(url));
  // What the scenario says of the deployment outranks what the testbed says of itself.
  if (target.instances) resolved.deployment.instances = *target.instances;
  if (target.vcpu_per_instance) resolved.deployment.vcpu_per_instance = *target.vcpu_per_instance;
  if (target.bcrypt_cost) resolved.deployment.bcrypt_cost = *target.bcrypt_cost;
  for (const auto& [name, value] : target.topology) resolved.deployment.topology[name] = value;
  return resolved;
}

}  // namespace loadgate
