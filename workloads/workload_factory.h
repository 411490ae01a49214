// Builds the workload a scenario names by its `kind`.
#pragma once

#include <memory>

#include "harness/recovery_units.h"
#include "harness/scenario.h"
#include "harness/workload.h"
#include "workloads/workload_context.h"
#include "workloads/write_ledger.h"

namespace loadgate {

// One of `http` and `blocking` is set; `ledger` when the workload records its writes.
struct BuiltWorkload {
  std::unique_ptr<Workload> http;
  std::unique_ptr<BlockingWorkload> blocking;
  std::shared_ptr<WriteLedger> ledger;
  std::shared_ptr<const RecoveryUnits> clients;  // its clients, when it tracks them (sql)
  size_t database_connections = 0;  // client connections it opens to a database (files it uses)
  std::vector<std::string> database_targets = {};  // the DSNs it connects to, described
  std::vector<std::string> database_hosts = {};    // their hosts, for the target guard

  void prepare() { http ? http->prepare() : blocking->prepare(); }
};

// Throws ConfigError (located at the workload's `kind`) for a kind that does not exist.
BuiltWorkload make_workload(const WorkloadSpec& spec, const WorkloadContext& context);

// Every workload of a scenario, in order, wired together: each login workload gets a token
// book that the others' `auth: {from: NAME}` can name, wherever they stand in the file.
std::vector<BuiltWorkload> make_workloads(const std::vector<WorkloadSpec>& specs,
                                          WorkloadContext context);

}  // namespace loadgate
