#include "workloads/token_book.h"

#include <fmt/format.h>

namespace loadgate {

TokenBook::TokenBook(size_t slots) : slots_(std::max<size_t>(slots, 1)) {}

void TokenBook::put(size_t vu, std::string token) {
  std::lock_guard lock(mutex_);
  const size_t slot = vu == kAnyVu ? next_++ % slots_.size() : vu % slots_.size();
  if (slots_[slot].empty()) filled_.push_back(slot);
  slots_[slot] = std::move(token);
}

std::optional<std::string> TokenBook::get(size_t vu, Rng& rng) const {
  const size_t draw = vu == kAnyVu ? static_cast<size_t>(rng()) : vu;
  std::lock_guard lock(mutex_);
  if (vu == kAnyVu) {
    if (filled_.empty()) return std::nullopt;
    return slots_[filled_[draw % filled_.size()]];
  }
  const std::string& token = slots_[draw % slots_.size()];
  if (token.empty()) return std::nullopt;
  return token;
}

std::shared_ptr<TokenBook> read_auth_setting(const ConfigNode& workload,
                                             const WorkloadContext& context) {
  auto auth = workload.find("auth");
  if (!auth) return nullptr;
  auth->allow_only({"from"});
  const std::string from = auth->at("from").as_string();
  const auto it = context.token_books.find(from);
  if (it == context.token_books.end()) {
    std::string logins;
    for (const auto& [name, book] : context.token_books)
      logins += (logins.empty() ? "" : ", ") + name;
    auth->at("from").fail(fmt::format("'{}' is not a login workload of this scenario ({})", from,
                                      logins.empty() ? "it has none" : "logins: " + logins));
  }
  return it->second;
}

}  // namespace loadgate
