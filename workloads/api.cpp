#include "workloads/api.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace loadgate {
namespace {

const ErrorClass kCheckFailed("check_failed");
const ErrorClass kAckIdMissing("ack_id_missing");

const std::vector<std::string> kPlaceholders = {"id", "uid", "write_id"};

TextTemplate template_at(const ConfigNode& node, TextTemplate::Escape escape) {
  try {
    return TextTemplate(node.as_string(), kPlaceholders, escape);
  } catch (const std::invalid_argument& e) {
    node.fail(e.what());
  }
}

// What a write's answer says of it: the expected status acknowledges it, a 5xx may come after the
// commit (the service failed on its way back): in doubt; any other status is a refusal.
WriteStatus write_status(int expected, int status) {
  return status == expected ? WriteStatus::acknowledged
         : status >= 500    ? WriteStatus::in_doubt
                            : WriteStatus::failed;
}

std::string json_value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Api::Api(const WorkloadSpec& spec, const WorkloadContext& context)
    : ids_(read_id_distribution(spec.settings)) {
  const ConfigNode& node = spec.settings;
  node.allow_only({"kind", "executor", "ids", "requests", "ledger", "auth"});
  auth_ = read_auth_setting(node, context);
  for (const auto& item : node.at("requests").as_list()) {
    item.allow_only({"name", "weight", "method", "path", "body", "expect", "check", "ack_id"});
    const std::string method = item.find("method") ? item.at("method").as_string() : "GET";
    Call call{item.find("name") ? item.at("name").as_string() : method,
              item.find("weight") ? item.at("weight").as_number() : 1.0,
              method,
              template_at(item.at("path"), TextTemplate::Escape::none),
              std::nullopt,
              item.find("expect") ? static_cast<int>(item.at("expect").as_integer(100, 599)) : 200,
              "",
              std::nullopt,
              false};
    if (call.weight <= 0) item.at("weight").fail("a weight is above 0");
    if (!is_http_method(method))
      item.at("method").fail(fmt::format("\"{}\" is not an HTTP method (GET, POST, ...)", method));
    if (auto body = item.find("body")) call.body = template_at(*body, TextTemplate::Escape::json);
    if (auto check = item.find("check")) {
      check->allow_only({"field", "equals"});
      call.check_field = check->at("field").as_string();
      call.check_equals = template_at(check->at("equals"), TextTemplate::Escape::none);
    }
    call.writes_ledger = call.path.uses("write_id") || (call.body && call.body->uses("write_id"));
    if (auto ack_id = item.find("ack_id")) {
      ack_id->allow_only({"field"});
      call.ack_field = ack_id->at("field").as_string();
      if (call.ack_field.empty()) ack_id->at("field").fail("name the response's id field");
      if (call.writes_ledger)
        ack_id->fail("a write's id is its own {{write_id}} or the target's ack_id, not both");
    }
    choice_.add(call.weight);
    calls_.push_back(std::move(call));
  }
  if (calls_.empty()) node.at("requests").fail("give at least one request");

  const bool own_ids = std::any_of(calls_.begin(), calls_.end(),
                                   [](const Call& call) { return call.writes_ledger; });
  const bool target_ids = std::any_of(calls_.begin(), calls_.end(),
                                      [](const Call& call) { return !call.ack_field.empty(); });
  auto ledger = node.find("ledger");
  if (ledger && !own_ids && !target_ids)
    ledger->fail(
        "no request uses {{write_id}} or takes its id from the response (ack_id: {field: id}), "
        "so there is nothing to record");
  if (own_ids && target_ids)
    node.at("requests")
        .fail(
            "one ledger a workload: its writes carry their own {{write_id}} or the target's "
            "ack_id, not some of each");
  if (target_ids && !(ledger && ledger->has("query")))
    (ledger ? *ledger : node)
        .fail(
            "with ack_id, say how to read the ids back: ledger: {query: \"SELECT id FROM items "
            "WHERE id = ANY($1::bigint[])\"} (the ids come as a text[] in $1)");
  if (own_ids || target_ids) {
    // The ledger reads the writes back from the database behind the API.
    if (ledger) ledger->allow_only({"query", "dsn", "dsn_env", "password_env", "password_file"});
    ledger_ = make_write_ledger(ledger, spec.name, read_db_target(ledger ? *ledger : node, context),
                                target_ids ? WriteLedger::Ids::target : WriteLedger::Ids::own);
  }
}

HttpRequest Api::next(Rng& rng) const {
  const size_t which = choice_.draw(rng);
  const Call& call = calls_[which];
  const std::string id = std::to_string(ids_.draw(rng));
  const std::string uid = fmt::format("{:016x}", rng());
  const std::string write_id = call.writes_ledger ? ledger_->next_id() : std::string();
  const std::vector<std::string_view> values{id, uid, write_id};
  HttpRequest request{call.method, call.path.render(values), {}, "", static_cast<uint32_t>(which)};
  request.write_id = write_id;
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->render(values);
  }
  if (call.check_equals) request.tag = call.check_equals->render(values);
  return request;
}

HttpRequest Api::next_for(Rng& rng, size_t vu) const {
  HttpRequest request = next(rng);
  if (!auth_) return request;
  if (auto token = auth_->get(vu, rng))
    request.headers.emplace_back("Authorization", "Bearer " + *token);
  else
    request.without_token = true;
  return request;
}

Outcome Api::judge(const HttpRequest& request, const HttpResponse& response) const {
  const Call& call = calls_[request.variant];
  if (!call.ack_field.empty()) return judge_target_id_write(call, response);
  if (!request.write_id.empty()) {
    ledger_->record(request.write_id, write_status(call.expect, response.status));
  }
  if (response.status != call.expect)
    return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
  if (call.check_field.empty()) return {};
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains(call.check_field) ||
      json_value_text(body[call.check_field]) != request.tag)
    return {Outcome::Kind::error, kCheckFailed};
  return {};
}

// A write whose id the target generates: its acknowledgement must carry the id, or it cannot be
// checked (recorded in doubt, and the request counts as an error: the API broke its contract).
Outcome Api::judge_target_id_write(const Call& call, const HttpResponse& response) const {
  if (response.status != call.expect) {
    ledger_->record("", write_status(call.expect, response.status));
    return {Outcome::Kind::error, ErrorClass::http_status(response.status)};
  }
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains(call.ack_field) || body[call.ack_field].is_null()) {
    ledger_->record("", WriteStatus::in_doubt);
    return {Outcome::Kind::error, kAckIdMissing};
  }
  ledger_->record(json_value_text(body[call.ack_field]), WriteStatus::acknowledged);
  return {};
}

void Api::unanswered(const HttpRequest& request, bool maybe_delivered) const {
  if (!calls_[request.variant].ack_field.empty())
    ledger_->record("", maybe_delivered ? WriteStatus::in_doubt : WriteStatus::failed);
  if (!request.write_id.empty())
    ledger_->record(request.write_id,
                    maybe_delivered ? WriteStatus::in_doubt : WriteStatus::failed);
}

}  // namespace loadgate
