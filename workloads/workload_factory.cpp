#include "workloads/workload_factory.h"

#include <fmt/format.h>

#include "workloads/api.h"
#include "workloads/jwt_validation.h"
#include "workloads/login.h"

namespace loadgate {

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, const WorkloadContext& context) {
  if (spec.kind == "jwt") return std::make_unique<JwtValidation>(spec, context);
  if (spec.kind == "login") return std::make_unique<Login>(spec, context);
  if (spec.kind == "api") return std::make_unique<Api>(spec, context);
  spec.settings.at("kind").fail(
      fmt::format("unknown workload kind '{}' (available: jwt, login, api)", spec.kind));
}

}  // namespace loadgate
