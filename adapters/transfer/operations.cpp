#include "adapters/transfer/operations.h"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include "adapters/transfer/api.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/views.h"

namespace transfer {
namespace {

Reply fail(WireError e) { return Reply{{}, false, std::move(e)}; }
Reply fail(const core::Error& e, std::string_view operation) { return fail(from_core(e, operation)); }

template <typename F>
Reply json(F&& write) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write(w);
  w.EndObject();
  return Reply{buffer.GetString(), false, std::nullopt};
}

void field(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// The server id in a server ARN of the caller's account and region. A
// server ARN of another account is someone else's resource (access denied,
// as IAM would answer); any other ARN names nothing we have.
std::variant<std::string, WireError> server_of_arn(const Context& c, std::string_view operation,
                                                   const std::string& arn) {
  constexpr std::string_view kPrefix = "arn:aws:transfer:";
  std::string_view rest(arn);
  if (rest.substr(0, kPrefix.size()) == kPrefix) {
    rest.remove_prefix(kPrefix.size());
    const auto region = rest.substr(0, rest.find(':'));
    rest.remove_prefix(std::min(rest.size(), region.size() + 1));
    const auto account = rest.substr(0, rest.find(':'));
    rest.remove_prefix(std::min(rest.size(), account.size() + 1));
    constexpr std::string_view kServer = "server/";
    if (rest.substr(0, kServer.size()) == kServer) {
      const auto id = rest.substr(kServer.size());
      if (account != c.account)
        return access_denied(fmt::format("Account {} is not authorized to perform transfer:{} on resource {}",
                                         c.account, operation, arn));
      if (region == c.region) return std::string(id);
    }
  }
  WireError e = from_core(core::not_found(arn, core::Action::Create), operation);
  e.message = "Unknown resource";
  return e;
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
  set(kSecurityPolicyName, in.security_policy());
  set(kLoggingRole, in.role("LoggingRole", false));
  if (auto tags = in.tags(false)) spec.tags = std::move(*tags);
  if (in.error()) return fail(invalid_request(*in.error()));
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
    write_described_server(w, server.value(), c.region, c.account);
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
    for (const auto& s : page.servers) write_listed_server(w, s, c.region, c.account);
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
  auto updated = c.fleet.update(c.caller, *id, [&](core::Editable& e) {
    for (auto& [k, v] : changes) core::set_pair(e.attributes, k, v);
  }, c.options);
  if (!updated) return fail(updated.error(), "UpdateServer");
  return json([&](Writer& w) { field(w, "ServerId", updated->transfer_id); });
}

Reply tag_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  auto tags = in.tags(true);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto id = server_of_arn(c, "TagResource", *arn);
  if (auto* e = std::get_if<WireError>(&id)) return fail(*e);
  auto updated = c.fleet.update(c.caller, std::get<std::string>(id), [&](core::Editable& e) {
    for (auto& [k, v] : *tags) core::set_pair(e.tags, k, v);
  }, c.options);
  if (!updated) return fail(updated.error(), "TagResource");
  return Reply{};
}

Reply untag_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  const auto keys = in.tag_keys();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto id = server_of_arn(c, "UntagResource", *arn);
  if (auto* e = std::get_if<WireError>(&id)) return fail(*e);
  auto updated = c.fleet.update(c.caller, std::get<std::string>(id), [&](core::Editable& e) {
    std::erase_if(e.tags, [&](const auto& tag) {
      return std::find(keys->begin(), keys->end(), tag.first) != keys->end();
    });
  }, c.options);
  if (!updated) return fail(updated.error(), "UntagResource");
  return Reply{};
}

Reply list_tags_for_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  if (token) return fail(invalid_next_token());  // every answer fits one page: we never issue one
  auto id = server_of_arn(c, "ListTagsForResource", *arn);
  if (auto* e = std::get_if<WireError>(&id)) return fail(*e);
  auto server = c.fleet.get(c.caller, std::get<std::string>(id));
  if (!server) return fail(server.error(), "ListTagsForResource");
  return json([&](Writer& w) {
    field(w, "Arn", *arn);
    w.Key("Tags");
    write_tags(w, server->tags);
  });
}

constexpr std::array<std::pair<std::string_view, Operation>, 10> kOperations = {{
    {"CreateServer", create_server},
    {"DeleteServer", delete_server},
    {"DescribeServer", describe_server},
    {"ListServers", list_servers},
    {"ListTagsForResource", list_tags_for_resource},
    {"StartServer", start_server},
    {"StopServer", stop_server},
    {"TagResource", tag_resource},
    {"UntagResource", untag_resource},
    {"UpdateServer", update_server},
}};

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

Operation find_operation(std::string_view name) {
  for (const auto& [n, op] : kOperations)
    if (n == name) return op;
  return nullptr;
}

}  // namespace transfer
