// kind: wake, local driver: Aurora Serverless v2 scaling to zero and waking on the next
// connection, with the testbed's endpoint proxy as the cluster endpoint.
//
//   faults:
//     - {kind: wake, at: 25s, idle_seconds: 5, resume_delay: [5s, 15s]}
//
// inject: waits until no connection has been open through the endpoint for `idle_seconds`
//         (at most `wait_for_idle`, default 2m), then pauses: the endpoint holds new
//         connections and Postgres really stops. The first connection that comes (within
//         `wait_for_connection`, default 2m) wakes it: Postgres starts, then the modelled resume
//         delay passes (uniform between the two values of `resume_delay`, or exactly one value;
//         default 5–15 s, as seed 000 says), and the held connections are spliced through. A
//         client whose connect timeout is shorter than that sees what it would see on Aurora.
// recover: the endpoint forwards again and Postgres runs (woken now if nobody came).
//
// pgbouncer keeps its server connections open for server_idle_timeout (the testbed: 10 s), so
// behind pgbouncer the load must pause for that long plus idle_seconds before a pause happens.
#pragma once

#include <filesystem>
#include <map>

#include "faults/fault.h"
#include "harness/scenario.h"

namespace loadgate {

class AuroraWake : public Fault {
 public:
  AuroraWake(const FaultSpec& spec, std::filesystem::path testbed_dir);

  std::string describe() const override;
  std::string driver() const override { return "testbed"; }
  std::vector<std::string> plan() const override;
  void inject() override;
  void recover() override;
  std::map<std::string, Duration> timings() const override { return timings_; }
  // Every name timings() may hold.
  static std::vector<std::string> timing_names() {
    return {"paused_after", "first_connection_after_pause", "postgres_start", "resume_delay",
            "held_for"};
  }

 private:
  std::filesystem::path dir_;
  Duration idle_ = std::chrono::seconds(10);
  Duration delay_min_ = std::chrono::seconds(5), delay_max_ = std::chrono::seconds(15);
  Duration wait_for_idle_ = std::chrono::minutes(2);
  Duration wait_for_connection_ = std::chrono::minutes(2);
  std::map<std::string, Duration> timings_;
};

}  // namespace loadgate
