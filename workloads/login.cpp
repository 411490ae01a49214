#include "workloads/login.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {
namespace {

const ErrorClass kAcceptedWrongPassword("accepted_wrong_password");
const ErrorClass kNoToken("no_token");

}  // namespace

std::vector<Credential> read_credentials_csv(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read the users file", file));
  std::vector<Credential> users;
  size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line == "user,password")) continue;
    const auto comma = line.find(',');
    if (comma == std::string::npos || comma == 0)
      throw std::runtime_error(fmt::format("{}:{}: expected user,password", file, number));
    users.push_back({line.substr(0, comma), line.substr(comma + 1)});
  }
  if (users.empty()) throw std::runtime_error(fmt::format("{}: no users in it", file));
  return users;
}

Login::Login(const WorkloadSpec& spec, const WorkloadContext& context) {
  const ConfigNode& node = spec.settings;
  node.allow_only(
      {"kind", "executor", "path", "body", "users_csv", "wrong_password_share", "token_field"});
  if (auto path = node.find("path")) {
    path_ = path->as_string();
    if (!path_.starts_with('/')) path->fail("a path starts with /");
  }
  const std::string body = node.find("body")
                               ? node.at("body").as_string()
                               : R"({"user": "{{user}}", "password": "{{password}}"})";
  try {
    body_.emplace(body, std::vector<std::string>{"user", "password"}, TextTemplate::Escape::json);
  } catch (const std::invalid_argument& e) {
    node.at("body").fail(e.what());
  }
  if (auto share = node.find("wrong_password_share")) {
    wrong_password_share_ = share->as_number();
    if (wrong_password_share_ < 0 || wrong_password_share_ > 1)
      share->fail("a share is between 0 and 1");
  }
  if (auto field = node.find("token_field")) token_field_ = field->as_string();
  if (auto csv = node.find("users_csv")) {
    try {
      users_ = read_credentials_csv(csv->as_string());
    } catch (const std::runtime_error& e) {
      csv->fail(e.what());
    }
  } else {
    users_ = context.seeded_users;
  }
  if (users_.empty()) node.fail("no users to log in as: add users_csv: FILE (user,password lines)");
  if (auto book = context.token_books.find(spec.name); book != context.token_books.end())
    tokens_ = book->second;
}

HttpRequest Login::next(Rng& rng) const {
  const Credential& who = users_[rng() % users_.size()];
  HttpRequest request{"POST", path_, {{"Content-Type", "application/json"}}, "", 0};
  const bool wrong = std::uniform_real_distribution<double>(0, 1)(rng) < wrong_password_share_;
  const std::string wrong_password = who.password + "-wrong";
  request.body = body_->render({who.user, wrong ? std::string_view(wrong_password) : who.password});
  request.variant = wrong ? kWrongPassword : 0;
  return request;
}

Outcome Login::judge(const HttpRequest& request, const HttpResponse& response) const {
  if (request.variant == kWrongPassword) {
    if (response.status == 401) return {Outcome::Kind::expected_failure, {}};
    if (response.status == 200) return {Outcome::Kind::error, kAcceptedWrongPassword};
    return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
  }
  if (response.status != 200)
    return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains(token_field_) || !body[token_field_].is_string() ||
      body[token_field_].get_ref<const std::string&>().empty())
    return {Outcome::Kind::error, kNoToken};
  if (tokens_) tokens_->put(request.vu, body[token_field_].get<std::string>());
  return {};
}

}  // namespace loadgate
