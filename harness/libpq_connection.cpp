#include "harness/libpq_connection.h"

namespace loadgate {

PgConnection connect_libpq(const std::string& dsn, const std::string& password,
                           int connect_timeout_s) {
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"dbname", "password", "connect_timeout", nullptr};
  const char* values[] = {dsn.c_str(), password.empty() ? nullptr : password.c_str(),
                          timeout.c_str(), nullptr};
  return PgConnection(PQconnectdbParams(keys, values, /*expand_dbname=*/1), PQfinish);
}

}  // namespace loadgate
