#include "workloads/sql.h"

#include <cmath>
#include <thread>

#include <fmt/format.h>
#include <pqxx/pqxx>

namespace loadgate {
namespace {

const std::vector<std::string> kPlaceholders = {"id", "uid", "write_id"};

Duration positive_duration(const ConfigNode& node) {
  const Duration value = node.as_duration();
  if (value <= Duration::zero()) node.fail("expected a duration above 0, like 2s");
  return value;
}

template <typename Transaction, typename Steps>
void run_steps(Transaction& tx, const Steps& steps,
               const std::vector<std::vector<std::string>>& params) {
  for (size_t s = 0; s < steps.size(); ++s)
    tx.exec_params(steps[s].sql, pqxx::prepare::make_dynamic_params(params[s]));
}

}  // namespace

Sql::Sql(const WorkloadSpec& spec, const WorkloadContext& context)
    : name_(spec.name), ids_(read_id_distribution(spec.settings)) {
  const ConfigNode& node = spec.settings;
  node.allow_only({"kind", "executor", "dsn", "dsn_env", "via", "password_env", "password_file",
                   "tasks", "pools_per_task", "pool_max", "min_connections", "pool_wait_timeout",
                   "query_timeout", "connect_timeout", "max_idle", "reconnect", "ids",
                   "transactions", "ledger"});
  target_ = read_db_target(node, context);
  if (auto n = node.find("tasks")) tasks_ = static_cast<size_t>(n->as_integer(1, 1000));
  if (auto n = node.find("pools_per_task"))
    pools_per_task_ = static_cast<size_t>(n->as_integer(1, 16));
  if (auto n = node.find("pool_max")) pool_max_ = static_cast<size_t>(n->as_integer(1, 1000));
  if (auto n = node.find("min_connections"))
    min_connections_ = static_cast<size_t>(n->as_integer(0, static_cast<int64_t>(pool_max_)));
  if (tasks_ * pools_per_task_ * pool_max_ > 10'000)
    node.fail(fmt::format("{} tasks × {} pools × {} connections is over 10,000 connections", tasks_,
                          pools_per_task_, pool_max_));
  if (auto n = node.find("pool_wait_timeout")) pool_wait_timeout_ = positive_duration(*n);
  if (auto n = node.find("query_timeout")) query_timeout_ = positive_duration(*n);
  if (auto n = node.find("connect_timeout")) connect_timeout_ = positive_duration(*n);
  if (auto n = node.find("max_idle")) {
    max_idle_ = n->as_duration();
    if (max_idle_ < Duration::zero()) n->fail("expected a duration of 0 (never) or more");
  }
  if (auto n = node.find("reconnect")) {
    n->allow_only({"enabled", "initial_backoff", "max_backoff"});
    if (auto e = n->find("enabled")) reconnect_.enabled = e->as_bool();
    if (auto b = n->find("initial_backoff")) reconnect_.initial_backoff = positive_duration(*b);
    if (auto b = n->find("max_backoff")) reconnect_.max_backoff = positive_duration(*b);
    if (reconnect_.max_backoff < reconnect_.initial_backoff)
      n->fail("max_backoff must not be below initial_backoff");
  }
  std::vector<std::string> ids;
  std::vector<size_t> pools;  // each pool's connections share its pooler's fate
  for (size_t t = 0; t < tasks_; ++t)
    for (size_t p = 0; p < pools_per_task_; ++p)
      for (size_t c = 0; c < pool_max_; ++c) {
        ids.push_back(fmt::format("t{}.p{}.c{}", t, p, c));
        pools.push_back(t * pools_per_task_ + p);
      }
  connections_ =
      std::make_shared<RecoveryUnits>("pool connection", std::move(ids), std::move(pools));
  if (max_idle_ > Duration::zero() && !reconnect_.enabled)
    node.at("max_idle").fail("a client that never reconnects cannot close idle connections");

  auto parse_step = [](const ConfigNode& step, Transaction& tx) {
    Step parsed{step.at("sql").as_string(), {}};
    if (auto params = step.find("params"))
      for (const auto& param : params->as_list()) {
        try {
          parsed.params.emplace_back(param.as_string(), kPlaceholders);
        } catch (const std::invalid_argument& e) {
          param.fail(e.what());
        }
        tx.writes_ledger = tx.writes_ledger || parsed.params.back().uses("write_id");
      }
    tx.steps.push_back(std::move(parsed));
  };
  for (const auto& item : node.at("transactions").as_list()) {
    item.allow_only({"name", "weight", "sql", "params", "steps", "autocommit", "read_only"});
    Transaction tx;
    tx.name = item.find("name") ? item.at("name").as_string()
                                : fmt::format("transaction{}", transactions_.size() + 1);
    const double weight = item.find("weight") ? item.at("weight").as_number() : 1.0;
    if (weight <= 0) item.at("weight").fail("a weight is above 0");
    if (auto steps = item.find("steps")) {
      if (item.has("sql") || item.has("params"))
        item.fail("give sql (and params) or steps, not both");
      for (const auto& step : steps->as_list()) {
        step.allow_only({"sql", "params"});
        parse_step(step, tx);
      }
    } else {
      parse_step(item, tx);
    }
    if (auto a = item.find("autocommit")) tx.autocommit = a->as_bool();
    if (auto r = item.find("read_only")) tx.read_only = r->as_bool();
    if (tx.autocommit && tx.steps.size() != 1)
      item.at("autocommit").fail("autocommit runs one statement: give one sql, not steps");
    if (tx.read_only && tx.writes_ledger)
      item.at("read_only").fail("a read-only transaction cannot write {{write_id}}");
    choice_.add(weight);
    transactions_.push_back(std::move(tx));
  }
  if (transactions_.empty()) node.at("transactions").fail("give at least one transaction");

  const bool writes = std::any_of(transactions_.begin(), transactions_.end(),
                                  [](const Transaction& tx) { return tx.writes_ledger; });
  auto ledger = node.find("ledger");
  if (ledger && !writes)
    ledger->fail("no transaction uses {{write_id}}, so there is nothing to record");
  if (ledger) ledger->allow_only({"query"});
  if (writes) ledger_ = make_write_ledger(ledger, name_, target_);
}

Sql::~Sql() = default;

void Sql::prepare() {
  watchdog_ = std::make_unique<QueryWatchdog>();
  // libpq counts its connect timeout in whole seconds, 2 at least.
  const auto connect_seconds = std::max<int64_t>(
      2, static_cast<int64_t>(std::ceil(std::chrono::duration<double>(connect_timeout_).count())));
  for (size_t t = 0; t < tasks_; ++t)
    for (size_t p = 0; p < pools_per_task_; ++p) {
      const size_t dsn = t % target_.dsns.size();
      pools_.push_back(std::make_unique<SqlPool>(
          target_.conninfo(dsn, {{"connect_timeout", std::to_string(connect_seconds)},
                                 {"application_name", "loadgate-" + name_}}),
          fmt::format("{} (workload {})", describe_dsn(target_.dsns[dsn]), name_), pool_max_,
          reconnect_, *watchdog_, connections_.get(), pools_.size() * pool_max_));
    }
  // Every DSN is checked (task t uses DSN t mod n, so the first pools cover them all), and the
  // pools open their minimum, in parallel: with SCRAM, each connect costs milliseconds of CPU.
  std::vector<std::string> failures(pools_.size());
  {
    std::vector<std::jthread> openers;
    for (size_t i = 0; i < pools_.size(); ++i) {
      const bool checks_a_dsn =
          i % pools_per_task_ == 0 && i / pools_per_task_ < target_.dsns.size();
      // Without reconnecting, a connection cannot be opened later: open them all now.
      const size_t count =
          reconnect_.enabled ? std::max<size_t>(min_connections_, checks_a_dsn ? 1 : 0) : pool_max_;
      if (count == 0) continue;
      openers.emplace_back([this, i, count, &failures] {
        try {
          pools_[i]->open_connections(count);
        } catch (const std::exception& e) {
          failures[i] = e.what();
        }
      });
    }
  }
  for (const auto& failure : failures)
    if (!failure.empty()) throw std::runtime_error(failure);
  if (max_idle_ > Duration::zero())
    idle_closer_ = std::jthread([this](std::stop_token stop) {
      // Checked four times per max_idle (at most once a second), so a connection lives at
      // most 1.25 × max_idle unused.
      const Duration every = std::clamp<Duration>(max_idle_ / 4, std::chrono::milliseconds(50),
                                                  std::chrono::seconds(1));
      while (!stop.stop_requested()) {
        for (auto& pool : pools_) pool->close_idle(max_idle_);
        for (auto slept = Duration::zero(); slept < every && !stop.stop_requested();
             slept += std::chrono::milliseconds(50))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
}

std::vector<std::string> Sql::targets() const {
  std::vector<std::string> described;
  for (const auto& dsn : target_.dsns) described.push_back("postgres " + describe_dsn(dsn));
  return described;
}

std::vector<std::string> Sql::hosts() const {
  return dsn_hosts(target_.dsns);
}

size_t Sql::max_concurrent_calls() const {
  // Every connection busy, and as many calls again waiting in the pools (up to
  // pool_wait_timeout), as callers queue in a service under load.
  const size_t connections = tasks_ * pools_per_task_ * pool_max_;
  return connections + std::max<size_t>(connections, 16);
}

CallResult Sql::call(uint64_t seed) {
  Rng rng(seed);
  const Transaction& tx = transactions_[choice_.draw(rng)];
  const std::string id = std::to_string(ids_.draw(rng));
  const std::string uid = fmt::format("{:016x}", rng());
  const std::string write_id = tx.writes_ledger ? ledger_->next_id() : std::string();
  const std::vector<std::string_view> values{id, uid, write_id};
  std::vector<std::vector<std::string>> params;  // rendered per step, before a connection is held
  for (const Step& step : tx.steps) {
    params.emplace_back();
    for (const auto& param : step.params) params.back().push_back(param.render(values));
  }
  SqlPool& pool = *pools_[std::uniform_int_distribution<size_t>(0, pools_.size() - 1)(rng)];

  const auto attempt = pool.run(Clock::now() + pool_wait_timeout_, query_timeout_,
                                [&](pqxx::connection_base& connection, bool* committing) {
                                  if (tx.autocommit) {
                                    pqxx::nontransaction work(connection);
                                    *committing = true;  // the statement is its own commit
                                    run_steps(work, tx.steps, params);
                                  } else if (tx.read_only) {
                                    pqxx::read_transaction work(connection);
                                    run_steps(work, tx.steps, params);
                                    *committing = true;
                                    work.commit();
                                  } else {
                                    pqxx::work work(connection);
                                    run_steps(work, tx.steps, params);
                                    *committing = true;
                                    work.commit();
                                  }
                                });

  if (tx.writes_ledger) {
    // Before the commit went out, a failure rolled the transaction back; after, the client
    // cannot know unless the server answered with an error.
    WriteStatus status = WriteStatus::acknowledged;
    if (!attempt.error_class.empty())
      status = attempt.reached_commit && attempt.connection_lost ? WriteStatus::in_doubt
                                                                 : WriteStatus::failed;
    ledger_->record(write_id, status);
  }
  CallResult result;
  result.sent_at = attempt.sent_at;
  if (!attempt.error_class.empty()) result.outcome = {Outcome::Kind::error, attempt.error_class};
  return result;
}

}  // namespace loadgate
