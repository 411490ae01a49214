#include "testbed/service/db_pool.h"

#include <pqxx/pqxx>

namespace loadgate::testbed {

DbPool::DbPool(std::string conninfo, size_t size) : conninfo_(std::move(conninfo)), threads_(size) {
  idle_.resize(size);
}

DbPool::~DbPool() {
  threads_.join();
}

void DbPool::execute(const std::function<void(pqxx::connection&)>& job) {
  std::unique_ptr<pqxx::connection> connection;
  {
    // One pool thread per slot, so a slot is always free here.
    std::lock_guard lock(mutex_);
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  auto give_back = [&] {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  };
  try {
    if (!connection || !connection->is_open()) {
      connection.reset();
      connection = std::make_unique<pqxx::connection>(conninfo_);
    }
    job(*connection);
  } catch (const pqxx::broken_connection&) {
    connection.reset();
    give_back();
    throw;
  } catch (...) {
    give_back();
    throw;
  }
  give_back();
}

awaitable<void> DbPool::run(std::function<void(pqxx::connection&)> job) {
  co_await offload(threads_, [&] { execute(job); });
}

}  // namespace loadgate::testbed
