#include "testbed/testbed_state.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "harness/text_file.h"

namespace loadgate::testbed {

using nlohmann::json;

const ProcessRecord* TestbedState::find(const std::string& name) const {
  for (const auto& p : processes)
    if (p.name == name) return &p;
  return nullptr;
}

std::string TestbedState::admin_console_dsn(const ProcessRecord& pgbouncer) const {
  return fmt::format("host={} port={} dbname=pgbouncer user={}", pgbouncer.host, pgbouncer.port,
                     admin_user);
}

std::vector<const ProcessRecord*> TestbedState::with_role(const std::string& role) const {
  std::vector<const ProcessRecord*> found;
  for (const auto& p : processes)
    if (p.role == role) found.push_back(&p);
  return found;
}

std::vector<std::string> TestbedState::service_urls() const {
  std::vector<std::string> urls;
  for (const auto* p : with_role("service"))
    urls.push_back(fmt::format("http://{}:{}", p->host, p->port));
  return urls;
}

std::map<std::string, double> TestbedState::topology() const {
  return {{"pgbouncer_instances", static_cast<double>(with_role("pgbouncer").size())},
          {"default_pool_size", kPgbouncerDefaultPoolSize},
          {"max_client_conn", kPgbouncerMaxClientConn},
          {"max_connections", kPostgresMaxConnections},
          {"service_pool_size", static_cast<double>(service_pool_size)}};
}

std::filesystem::path state_file(const std::filesystem::path& dir) {
  return dir / "state.json";
}

std::filesystem::path default_dir() {
  if (const char* env = std::getenv("LOADGATE_TESTBED_DIR"); env && *env) return env;
  return fmt::format("/var/tmp/loadgate-testbed-{}", getuid());
}

std::filesystem::path resolve_dir(const std::string& name) {
  if (name.empty() || name == "default") return default_dir();
  return std::filesystem::absolute(name);
}

std::string read_secret(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("cannot read the secret file {}", file.string()));
  std::string secret;
  std::getline(in, secret);
  if (secret.empty())
    throw std::runtime_error(fmt::format("the secret file {} is empty", file.string()));
  return secret;
}

std::string read_pem(const std::filesystem::path& file) {
  auto text = read_text_file(file);
  if (!text || text->empty())
    throw std::runtime_error(fmt::format("cannot read the key file {}", file.string()));
  return *text;
}

namespace {

json process_to_json(const ProcessRecord& p, bool with_liveness) {
  json j = {
      {"name", p.name}, {"role", p.role}, {"pid", p.pid},          {"start_ticks", p.start_ticks},
      {"host", p.host}, {"port", p.port}, {"log_file", p.log_file}};
  if (!p.data_dir.empty()) j["data_dir"] = p.data_dir;
  if (p.control_port) j["control_port"] = p.control_port;
  if (with_liveness) {
    j["alive"] = process_alive(p.pid, p.start_ticks);
    j["listening"] = port_open(p.host, p.port);
  }
  return j;
}

}  // namespace

std::string state_to_json(const TestbedState& s, bool with_liveness) {
  json processes = json::array();
  for (const auto& p : s.processes) processes.push_back(process_to_json(p, with_liveness));
  json j = {
      {"version", s.version},
      {"dir", s.dir.string()},
      {"run_as", s.run_as},
      {"synchronous_replication", s.synchronous_replication},
      {"database",
       {{"name", s.database}, {"user", s.db_user}, {"password_file", s.db_password_file}}},
      {"pgbouncer_admin", {{"user", s.admin_user}, {"password_file", s.admin_password_file}}},
      {"jwt",
       {{"algorithm", "HS256"},
        {"secret_file", s.jwt_secret_file},
        {"rs256_private_key_file", s.jwt_rs256_private_key_file},
        {"rs256_public_key_file", s.jwt_rs256_public_key_file},
        {"es256_private_key_file", s.jwt_es256_private_key_file},
        {"es256_public_key_file", s.jwt_es256_public_key_file}}},
      {"users",
       {{"count", s.users.count},
        {"name_pattern", s.users.name_pattern},
        {"password_pattern", s.users.password_pattern},
        {"distinct_passwords", s.users.distinct_passwords},
        {"bcrypt_cost", s.users.bcrypt_cost}}},
      {"items", s.items},
      {"service_pool_size", s.service_pool_size},
      {"service_urls", s.service_urls()},
      {"processes", processes},
  };
  return j.dump(2);
}

void write_state(const TestbedState& state) {
  auto path = state_file(state.dir);
  auto temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary);
    out << state_to_json(state, false) << "\n";
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temporary.string()));
  }
  std::filesystem::rename(temporary, path);  // atomic: readers never see half a file
}

std::optional<TestbedState> read_state(const std::filesystem::path& dir) {
  auto path = state_file(dir);
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    json j = json::parse(in);
    TestbedState s;
    s.version = j.at("version");
    s.dir = j.at("dir").get<std::string>();
    s.run_as = j.at("run_as");
    s.synchronous_replication = j.at("synchronous_replication");
    s.database = j.at("database").at("name");
    s.db_user = j.at("database").at("user");
    s.db_password_file = j.at("database").at("password_file");
    s.admin_user = j.at("pgbouncer_admin").at("user");
    s.admin_password_file = j.at("pgbouncer_admin").at("password_file");
    s.jwt_secret_file = j.at("jwt").at("secret_file");
    s.jwt_rs256_private_key_file = j.at("jwt").value("rs256_private_key_file", "");
    s.jwt_rs256_public_key_file = j.at("jwt").value("rs256_public_key_file", "");
    s.jwt_es256_private_key_file = j.at("jwt").value("es256_private_key_file", "");
    s.jwt_es256_public_key_file = j.at("jwt").value("es256_public_key_file", "");
    const json& users = j.at("users");
    s.users = {users.at("count"), users.at("name_pattern"), users.at("password_pattern"),
               users.at("distinct_passwords"), users.at("bcrypt_cost")};
    s.items = j.at("items");
    s.service_pool_size = j.value("service_pool_size", 25);  // absent before it was recorded
    for (const json& p : j.at("processes")) {
      ProcessRecord r{p.at("name"),
                      p.at("role"),
                      p.at("pid"),
                      p.value("start_ticks", uint64_t{0}),
                      p.at("host"),
                      p.at("port"),
                      p.at("log_file"),
                      p.value("data_dir", ""),
                      p.value("control_port", uint16_t{0})};
      s.processes.push_back(std::move(r));
    }
    return s;
  } catch (const json::exception& e) {
    throw std::runtime_error(
        fmt::format("{}: not a testbed state file: {}", path.string(), e.what()));
  }
}

}  // namespace loadgate::testbed
