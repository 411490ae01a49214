#include "workloads/api.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {
namespace {

const std::vector<std::string> kPlaceholders = {"id", "uid"};

IdDistribution parse_ids(const ConfigNode& workload) {
  auto node = workload.find("ids");
  if (!node) return IdDistribution(1, 1000, std::nullopt);
  node->allow_only({"min", "max", "distribution", "exponent"});
  const int64_t min = node->find("min") ? node->at("min").as_integer(0, INT64_MAX / 2) : 1;
  const int64_t max = node->find("max") ? node->at("max").as_integer(0, INT64_MAX / 2) : 1000;
  if (max < min) node->fail("max must not be below min");
  std::optional<double> exponent;
  const std::string kind =
      node->find("distribution") ? node->at("distribution").as_string() : "uniform";
  if (kind == "zipf") {
    exponent = node->find("exponent") ? node->at("exponent").as_number() : 1.0;
    if (*exponent <= 0) node->at("exponent").fail("the Zipf exponent is above 0");
    if (max - min >= 10'000'000) node->fail("a Zipf range holds at most 10,000,000 ids");
  } else if (kind != "uniform") {
    node->at("distribution").fail("expected uniform or zipf");
  }
  return IdDistribution(min, max, exponent);
}

TextTemplate template_at(const ConfigNode& node, TextTemplate::Escape escape) {
  try {
    return TextTemplate(node.as_string(), kPlaceholders, escape);
  } catch (const std::invalid_argument& e) {
    node.fail(e.what());
  }
}

std::string json_value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

IdDistribution::IdDistribution(int64_t min, int64_t max, std::optional<double> zipf_exponent)
    : min_(min), max_(max) {
  if (!zipf_exponent) return;
  const auto n = static_cast<size_t>(max - min + 1);
  cumulative_.resize(n);
  double sum = 0;
  for (size_t k = 0; k < n; ++k)
    cumulative_[k] = sum += 1.0 / std::pow(static_cast<double>(k + 1), *zipf_exponent);
  for (double& c : cumulative_) c /= sum;
}

int64_t IdDistribution::draw(Rng& rng) const {
  if (cumulative_.empty()) return std::uniform_int_distribution<int64_t>(min_, max_)(rng);
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
  return min_ + std::min<int64_t>(it - cumulative_.begin(), max_ - min_);
}

Api::Api(const WorkloadSpec& spec, const WorkloadContext&) : ids_(parse_ids(spec.settings)) {
  const ConfigNode& node = spec.settings;
  node.allow_only({"kind", "executor", "ids", "requests"});
  double total = 0;
  for (const auto& item : node.at("requests").as_list()) {
    item.allow_only({"name", "weight", "method", "path", "body", "expect", "check"});
    const std::string method = item.find("method") ? item.at("method").as_string() : "GET";
    Call call{item.find("name") ? item.at("name").as_string() : method,
              item.find("weight") ? item.at("weight").as_number() : 1.0,
              method,
              template_at(item.at("path"), TextTemplate::Escape::none),
              std::nullopt,
              item.find("expect") ? static_cast<int>(item.at("expect").as_integer(100, 599)) : 200,
              "",
              std::nullopt};
    if (call.weight <= 0) item.at("weight").fail("a weight is above 0");
    if (!is_http_method(method))
      item.at("method").fail(fmt::format("\"{}\" is not an HTTP method (GET, POST, ...)", method));
    if (auto body = item.find("body")) call.body = template_at(*body, TextTemplate::Escape::json);
    if (auto check = item.find("check")) {
      check->allow_only({"field", "equals"});
      call.check_field = check->at("field").as_string();
      call.check_equals = template_at(check->at("equals"), TextTemplate::Escape::none);
    }
    total += call.weight;
    cumulative_weight_.push_back(total);
    calls_.push_back(std::move(call));
  }
  if (calls_.empty()) node.at("requests").fail("give at least one request");
  for (double& w : cumulative_weight_) w /= total;
}

HttpRequest Api::next(Rng& rng) const {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  const size_t which = static_cast<size_t>(std::min<std::ptrdiff_t>(
      std::lower_bound(cumulative_weight_.begin(), cumulative_weight_.end(), u) -
          cumulative_weight_.begin(),
      static_cast<std::ptrdiff_t>(calls_.size() - 1)));
  const Call& call = calls_[which];
  const std::string id = std::to_string(ids_.draw(rng));
  const std::string uid = fmt::format("{:016x}", rng());
  const std::vector<std::string_view> values{id, uid};
  HttpRequest request{call.method, call.path.render(values), {}, "", static_cast<uint32_t>(which)};
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->render(values);
  }
  if (call.check_equals) request.tag = call.check_equals->render(values);
  return request;
}

Outcome Api::judge(const HttpRequest& request, const HttpResponse& response) const {
  const Call& call = calls_[request.variant];
  if (response.status != call.expect)
    return {Outcome::Kind::error, fmt::format("http_{}", response.status)};
  if (call.check_field.empty()) return {};
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains(call.check_field) ||
      json_value_text(body[call.check_field]) != request.tag)
    return {Outcome::Kind::error, "check_failed"};
  return {};
}

}  // namespace loadgate
