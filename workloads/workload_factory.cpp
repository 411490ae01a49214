#include "workloads/workload_factory.h"

#include <cmath>

#include <fmt/format.h>

#include "workloads/api.h"
#include "workloads/jwt_validation.h"
#include "workloads/login.h"
#include "workloads/sql.h"
#include "workloads/token_book.h"

namespace loadgate {

BuiltWorkload make_workload(const WorkloadSpec& spec, const WorkloadContext& context) {
  BuiltWorkload built;
  if (spec.kind == "jwt") {
    built.http = std::make_unique<JwtValidation>(spec, context);
  } else if (spec.kind == "login") {
    built.http = std::make_unique<Login>(spec, context);
  } else if (spec.kind == "api") {
    auto api = std::make_unique<Api>(spec, context);
    built.ledger = api->ledger();
    built.http = std::move(api);
  } else if (spec.kind == "sql") {
    auto sql = std::make_unique<Sql>(spec, context);
    built.ledger = sql->ledger();
    built.clients = sql->connections();
    built.database_connections = sql->client_connections();
    built.database_targets = sql->targets();
    built.database_hosts = sql->hosts();
    built.blocking = std::move(sql);
  } else {
    spec.settings.at("kind").fail(
        fmt::format("unknown workload kind '{}' (available: jwt, login, api, sql)", spec.kind));
  }
  return built;
}

std::vector<BuiltWorkload> make_workloads(const std::vector<WorkloadSpec>& specs,
                                          WorkloadContext context) {
  for (const auto& spec : specs)
    if (spec.kind == "login") {
      // A slot per virtual user; in the open model, room for the last 1024 tokens.
      const bool closed = spec.executor.model == ExecutorSpec::Model::closed;
      const auto slots =
          closed ? static_cast<size_t>(std::ceil(spec.executor.profile.peak())) : 1024;
      context.token_books[spec.name] = std::make_shared<TokenBook>(slots);
    }
  std::vector<BuiltWorkload> built;
  for (const auto& spec : specs) built.push_back(make_workload(spec, context));
  return built;
}

}  // namespace loadgate
