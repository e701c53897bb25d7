// CreateUser, DescribeUser, ListUsers, UpdateUser, DeleteUser: a server's
// service-managed users. Input is checked against the model first (all of
// it, before anything is looked up), then the core decides: the server
// (visible to the caller, SERVICE_MANAGED), the user (there, or not yet).
#include <fmt/format.h>

#include "adapters/transfer/login_views.h"
#include "adapters/transfer/logins_support.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/paging.h"
#include "adapters/transfer/reply.h"

namespace transfer {
namespace {

constexpr std::string_view kServiceManaged = "SERVICE_MANAGED";

// The home a request describes, on top of `home` (what the user has, for an
// update): mappings only for a LOGICAL home.
std::optional<WireError> read_home(Input& in, core::Home& home) {
  const auto directory = in.home_directory();
  const auto type = in.home_directory_type();
  auto mappings = in.home_directory_mappings();
  if (in.error()) return invalid_request(*in.error());
  if (directory) home.directory = *directory;
  if (type) home.type = *type;
  if (mappings) home.mappings = std::move(*mappings);
  if (home.type == core::HomeType::Path) {
    if (mappings) return invalid_request("HomeDirectoryMappings can be set only when HomeDirectoryType is LOGICAL");
    home.mappings.clear();
  }
  return std::nullopt;
}

Reply create_user(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto name = in.user_name();
  const auto role = in.role("Role", false, true);
  const auto policy = in.policy();
  auto posix = in.posix_profile();
  const auto key_body = in.secret("SshPublicKeyBody", false, 2048);
  auto tags = in.tags(false);
  core::LoginUser user;
  if (in.error()) return fail(invalid_request(*in.error()));
  if (auto e = read_home(in, user.home)) return fail(*e);
  if (key_body) {
    auto key = public_key(*key_body);
    if (auto* e = std::get_if<WireError>(&key)) return fail(*e);
    user.keys.push_back(std::get<core::PublicKey>(std::move(key)));
  }
  user.name = *name;
  user.posix = std::move(posix);
  if (tags) user.tags = std::move(*tags);
  core::set_pair(user.attributes, std::string(kRole), *role);
  if (policy) core::set_pair(user.attributes, std::string(kPolicy), *policy);
  auto created = c.logins.add_user(c.caller, *server, std::move(user), login_call(c, kServiceManaged));
  if (!created) return fail(created.error(), "CreateUser");
  return json([&](Writer& w) {
    field(w, "ServerId", created->server);
    field(w, "UserName", created->name);
  });
}

Reply describe_user(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto name = in.user_name();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto user = c.logins.user(c.caller, *server, *name, c.options.call);
  if (!user) return fail(user.error(), "DescribeUser");
  return json([&](Writer& w) {
    field(w, "ServerId", user->server);
    w.Key("User");
    write_described_user(w, user.value(), c.region, c.account);
  });
}

Reply list_users(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto max = in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  std::string after;
  if (token) {
    auto position = page_after(*token, "users", *server);
    if (!position) return fail(invalid_next_token());
    after = std::move(*position);
  }
  auto page = c.logins.users(c.caller, *server, after, page_size(max), c.options.call);
  if (!page) return fail(page.error(), "ListUsers");
  return json([&](Writer& w) {
    if (page->more) field(w, "NextToken", page_token("users", *server, page->items.back().name));
    field(w, "ServerId", *server);
    w.Key("Users");
    w.StartArray();
    for (const auto& u : page->items) write_listed_user(w, u, c.region, c.account);
    w.EndArray();
  });
}

Reply update_user(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto name = in.user_name();
  const auto role = in.role("Role", false);
  const auto policy = in.policy();
  const auto posix = in.posix_profile();
  const auto directory = in.home_directory();
  const auto type = in.home_directory_type();
  const auto mappings = in.home_directory_mappings();
  if (in.error()) return fail(invalid_request(*in.error()));
  std::optional<WireError> refused;
  auto updated = c.logins.update_user(c.caller, *server, *name, [&](core::LoginUser& u) -> std::optional<core::Error> {
    if (directory) u.home.directory = *directory;
    if (type) u.home.type = *type;
    if (mappings) u.home.mappings = *mappings;
    if (u.home.type == core::HomeType::Path) {
      if (mappings) return core::invalid_argument("HomeDirectoryMappings",
                                                  "HomeDirectoryMappings can be set only when HomeDirectoryType is "
                                                  "LOGICAL");
      u.home.mappings.clear();
    }
    if (posix) u.posix = *posix;
    if (role) core::set_pair(u.attributes, std::string(kRole), *role);
    if (policy) core::set_pair(u.attributes, std::string(kPolicy), *policy);
    return std::nullopt;
  }, login_call(c));
  if (!updated) return fail(updated.error(), "UpdateUser");
  return json([&](Writer& w) {
    field(w, "ServerId", updated->server);
    field(w, "UserName", updated->name);
  });
}

Reply delete_user(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto name = in.user_name();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto removed = c.logins.remove_user(c.caller, *server, *name, login_call(c));
  if (!removed) return fail(removed.error(), "DeleteUser");
  return Reply{};
}

constexpr NamedOperation kUserOperations[] = {
    {"CreateUser", create_user}, {"DescribeUser", describe_user}, {"ListUsers", list_users},
    {"UpdateUser", update_user}, {"DeleteUser", delete_user},
};

}  // namespace

std::span<const NamedOperation> user_operations() { return kUserOperations; }

}  // namespace transfer
