#include "gateway/fault_rules.h"

#include "gateway/json_reader.h"
#include "gateway/state_views.h"

namespace gateway {
namespace {

const char* error_name(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::Throttled: return "throttled";
    case core::ErrorCode::Unavailable: return "unavailable";
    default: return "internal";
  }
}

}  // namespace

std::variant<core::FaultRule, std::string> parse_fault_rule(const rapidjson::Value& body, core::Fleet& fleet) {
  Reader r;
  core::FaultRule rule;
  if (!r.object(body, "(body)", {"match", "effect", "count", "probability", "seed"})) return *r.error();

  if (auto m = body.FindMember("match"); m != body.MemberEnd()) {
    const auto& match = m->value;
    if (r.object(match, "match", {"api", "operation", "server", "tenant"})) {
      rule.api = r.string(match, "api", "match", false).value_or("");
      if (!r.failed() && !rule.api.empty() && rule.api != "nova" && rule.api != "transfer" && rule.api != "sftp")
        r.fail("match.api", fmt::format("'{}' is not nova, transfer or sftp", rule.api));
      rule.operation = r.string(match, "operation", "match", false).value_or("");
      if (auto server = r.string(match, "server", "match", false)) {
        core::Caller anyone{0, true, false, true};
        auto found = fleet.get(anyone, *server);
        if (!found) {
          r.fail("match.server", fmt::format("no server '{}'", *server));
        } else {
          rule.server_uuid = found->uuid;
          rule.server_transfer_id = found->transfer_id;
        }
      }
      if (auto t = match.FindMember("tenant"); t != match.MemberEnd() && !r.failed()) {
        if (r.object(t->value, "match.tenant", {"project", "account", "region"})) {
          auto project = r.string(t->value, "project", "match.tenant", false);
          auto account = r.string(t->value, "account", "match.tenant", false);
          auto region = r.string(t->value, "region", "match.tenant", false).value_or("us-east-1");
          if (!r.failed() && project.has_value() == account.has_value())
            r.fail("match.tenant", "give either 'project' or 'account' (with 'region')");
          else if (!r.failed())
            rule.tenant = project ? fleet.tenants().for_project(*project)
                                  : fleet.tenants().for_account(*account, region);
        }
      }
    }
  }

  auto e = body.FindMember("effect");
  if (e == body.MemberEnd()) {
    r.fail("effect", "is required: an error, a latency_ms or fail_transition");
    return *r.error();
  }
  const auto& effect = e->value;
  if (r.object(effect, "effect", {"error", "retry_after_s", "latency_ms", "fail_transition"})) {
    if (auto error = r.string(effect, "error", "effect", false)) {
      if (*error == "unavailable") rule.error = core::ErrorCode::Unavailable;
      else if (*error == "internal") rule.error = core::ErrorCode::Internal;
      else if (*error == "throttled") rule.error = core::ErrorCode::Throttled;
      else r.fail("effect.error", fmt::format("'{}' is not unavailable, internal or throttled", *error));
    }
    rule.retry_after_s = static_cast<int>(r.integer(effect, "retry_after_s", "effect", 0, 3600).value_or(1));
    rule.latency_ms = r.integer(effect, "latency_ms", "effect", 0, 60'000).value_or(0);
    rule.fail_transition = r.boolean(effect, "fail_transition", "effect").value_or(false);
    if (!r.failed() && !rule.error && rule.latency_ms == 0 && !rule.fail_transition)
      r.fail("effect", "names no effect: give an error, a latency_ms or fail_transition");
  }
  if (auto count = r.integer(body, "count", "(body)", 1, 1'000'000)) rule.count = static_cast<int>(*count);
  if (auto p = body.FindMember("probability"); p != body.MemberEnd() && !r.failed()) {
    if (!p->value.IsNumber() || p->value.GetDouble() <= 0.0 || p->value.GetDouble() > 1.0)
      r.fail("probability", "must be a number above 0 and at most 1");
    else
      rule.probability = p->value.GetDouble();
  }
  if (auto seed = r.integer(body, "seed", "(body)", 0, std::numeric_limits<long>::max())) rule.seed = *seed;
  if (r.failed()) return *r.error();
  return rule;
}

void write_fault_rule(JsonWriter& w, const core::FaultRule& rule, core::Tenants& tenants) {
  w.StartObject();
  w.Key("id");
  w.Uint64(rule.id);
  w.Key("match");
  w.StartObject();
  if (!rule.api.empty()) write_field(w, "api", rule.api);
  if (!rule.operation.empty()) write_field(w, "operation", rule.operation);
  if (!rule.server_uuid.empty()) {
    write_field(w, "server", rule.server_uuid);
    write_field(w, "server_id", rule.server_transfer_id);
  }
  if (rule.tenant) write_tenant(w, tenants.info(*rule.tenant));
  w.EndObject();
  w.Key("effect");
  w.StartObject();
  if (rule.error) {
    write_field(w, "error", error_name(*rule.error));
    if (*rule.error == core::ErrorCode::Throttled) {
      w.Key("retry_after_s");
      w.Int(rule.retry_after_s);
    }
  }
  if (rule.latency_ms) {
    w.Key("latency_ms");
    w.Int64(rule.latency_ms);
  }
  if (rule.fail_transition) {
    w.Key("fail_transition");
    w.Bool(true);
  }
  w.EndObject();
  if (rule.count) {
    w.Key("count");
    w.Int(*rule.count);
  }
  w.Key("probability");
  w.Double(rule.probability);
  w.Key("seed");
  w.Uint64(rule.seed);
  w.Key("matched");
  w.Int(rule.matched);
  w.Key("fired");
  w.Int(rule.fired);
  w.EndObject();
}

}  // namespace gateway
