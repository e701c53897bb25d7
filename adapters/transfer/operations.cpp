#include "adapters/transfer/operations.h"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include "adapters/transfer/api.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/reply.h"
#include "adapters/transfer/security_policies.h"
#include "adapters/transfer/views.h"

namespace transfer {
namespace {

// A SecurityPolicyName of the right shape that names no policy AWS publishes.
std::optional<WireError> unknown_policy(std::string_view name) {
  if (find_security_policy(name)) return std::nullopt;
  return invalid_request(fmt::format("Security policy {} does not exist", name));
}

Reply create_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  core::CreateSpec spec;
  auto set = [&](std::string_view key, std::optional<std::string> value) {
    if (value) core::set_pair(spec.attributes, std::string(key), std::move(*value));
  };
  set(kProtocols, in.protocols());
  set(kDomain, in.one_of("Domain", {"S3", "EFS"}));
  set(kEndpointType, in.one_of("EndpointType", {"PUBLIC", "VPC", "VPC_ENDPOINT"}));
  set(kIdentityProviderType,
      in.one_of("IdentityProviderType", {"SERVICE_MANAGED", "API_GATEWAY", "AWS_DIRECTORY_SERVICE", "AWS_LAMBDA"}));
  set(kSecurityPolicyName, in.security_policy().value_or(std::string(kDefaultSecurityPolicy)));
  set(kLoggingRole, in.role("LoggingRole", false));
  if (auto tags = in.tags(false)) spec.tags = std::move(*tags);
  if (in.error()) return fail(invalid_request(*in.error()));
  if (auto refused = unknown_policy(*core::find_pair(spec.attributes, kSecurityPolicyName))) return fail(*refused);
  // A "Name" tag names the server in the Nova view (as the console shows it).
  if (auto name = core::find_pair(spec.tags, "Name")) spec.name = std::string(*name);
  auto created = c.fleet.create(c.caller, std::move(spec), c.options);
  if (!created) return fail(created.error(), "CreateServer");
  return json([&](Writer& w) { field(w, "ServerId", created->transfer_id); });
}

Reply describe_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto id = in.server_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto server = c.fleet.get(c.caller, *id);
  if (!server) return fail(server.error(), "DescribeServer");
  core::note_server(c.options.call, server->uuid, server->transfer_id);
  return json([&](Writer& w) {
    w.Key("Server");
    write_described_server(w, server.value(), c.region, c.account, c.logins.user_count(server->transfer_id),
                           c.logins.host_key_fingerprint(server.value()));
  });
}

Reply list_servers(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto max = in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  core::ListQuery query;
  query.tenant = c.caller.tenant;
  query.limit = static_cast<std::size_t>(max.value_or(1000));
  if (token) {
    auto position = c.fleet.cursor_position(c.caller.tenant, *token);
    if (!position) return fail(invalid_next_token());
    query.after_seq = position.value();
  }
  const auto page = c.fleet.list(query);
  return json([&](Writer& w) {
    if (page.more && !page.servers.empty())
      field(w, "NextToken", c.fleet.cursor_after(c.caller.tenant, page.servers.back().seq));
    w.Key("Servers");
    w.StartArray();
    for (const auto& s : page.servers)
      write_listed_server(w, s, c.region, c.account, c.logins.user_count(s.transfer_id));
    w.EndArray();
  });
}

// Stop and start: already where the call would take it (or on the way
// there) is a success with no change, as the model says of StartServer.
Reply stop_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto id = in.server_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto stopped = c.fleet.stop(c.caller, *id, c.options);
  if (!stopped) {
    const auto& e = stopped.error();
    const auto seen = state_name(e.state);  // paused, suspended, shelved: OFFLINE too
    const bool already = e.code == core::ErrorCode::InvalidState && (seen == "OFFLINE" || seen == "STOPPING");
    if (!already) return fail(e, "StopServer");
  }
  return Reply{{}, true, std::nullopt};
}

Reply start_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto id = in.server_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  // Whatever brings an OFFLINE server back: a start, unpause, resume or unshelve.
  auto started = c.fleet.power_on(c.caller, *id, c.options);
  if (!started) {
    const auto& e = started.error();
    const auto seen = state_name(e.state);  // a reboot under way: STARTING too
    const bool already = e.code == core::ErrorCode::InvalidState && (seen == "ONLINE" || seen == "STARTING");
    if (!already) return fail(e, "StartServer");
  }
  return Reply{};
}

Reply delete_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto id = in.server_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto removed = c.fleet.remove(c.caller, *id, c.options);
  if (!removed) return fail(removed.error(), "DeleteServer");
  return Reply{};
}

Reply update_server(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto id = in.server_id();
  core::Pairs changes;
  auto set = [&](std::string_view key, std::optional<std::string> value) {
    if (value) changes.emplace_back(std::string(key), std::move(*value));
  };
  set(kProtocols, in.protocols());
  set(kEndpointType, in.one_of("EndpointType", {"PUBLIC", "VPC", "VPC_ENDPOINT"}));
  set(kSecurityPolicyName, in.security_policy());
  set(kLoggingRole, in.role("LoggingRole", true));
  if (in.error()) return fail(invalid_request(*in.error()));
  if (auto policy = core::find_pair(changes, kSecurityPolicyName))
    if (auto refused = unknown_policy(*policy)) return fail(*refused);
  auto updated = c.fleet.update(c.caller, *id, [&](core::Editable& e) {
    for (auto& [k, v] : changes) core::set_pair(e.attributes, k, v);
  }, c.options);
  if (!updated) return fail(updated.error(), "UpdateServer");
  return json([&](Writer& w) { field(w, "ServerId", updated->transfer_id); });
}

// The hot ones first: find_operation tries them in order.
constexpr NamedOperation kServerOperations[] = {
    {"StopServer", stop_server},
    {"StartServer", start_server},
    {"DescribeServer", describe_server},
    {"ListServers", list_servers},
    {"CreateServer", create_server},
    {"DeleteServer", delete_server},
    {"UpdateServer", update_server},
};

}  // namespace

std::optional<WireError> parse_body(std::string_view text, Body& body) {
  if (text.empty()) text = "{}";
  body.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (body.HasParseError())
    return serialization_error(fmt::format("Could not parse the request body as JSON: {} (at byte {})",
                                           rapidjson::GetParseError_En(body.GetParseError()), body.GetErrorOffset()));
  if (!body.IsObject()) return invalid_request("The request body must be a JSON object");
  return std::nullopt;
}

std::span<const NamedOperation> server_operations() { return kServerOperations; }

namespace {

constexpr std::span<const NamedOperation> (*kTables[])() = {server_operations,   tag_operations,    user_operations,
                                                          ssh_key_operations,  host_key_operations, access_operations,
                                                          policy_operations};

}  // namespace

Operation find_operation(std::string_view name) {
  for (auto table : kTables)
    for (const auto& op : table())
      if (op.name == name) return op.run;
  return nullptr;
}

std::vector<std::string_view> operation_names() {
  std::vector<std::string_view> out;
  for (auto table : kTables)
    for (const auto& op : table()) out.push_back(op.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace transfer
