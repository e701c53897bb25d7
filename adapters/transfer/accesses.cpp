// CreateAccess, DescribeAccess, ListAccesses, UpdateAccess, DeleteAccess:
// the directory groups (by their SID, ExternalId) given access to a server
// whose users come from AWS Directory Service, as AWS allows them only there.
#include "adapters/transfer/login_views.h"
#include "adapters/transfer/logins_support.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/paging.h"
#include "adapters/transfer/reply.h"

namespace transfer {
namespace {

constexpr std::string_view kDirectoryService = "AWS_DIRECTORY_SERVICE";
constexpr std::string_view kMappingsNeedLogical =
    "HomeDirectoryMappings can be set only when HomeDirectoryType is LOGICAL";

// What an access request sets, read once: applied on create and update alike.
struct Fields {
  std::optional<std::string> role, policy, directory;
  std::optional<core::HomeType> type;
  std::optional<std::vector<core::HomeMapping>> mappings;
  std::optional<core::PosixIdentity> posix;

  explicit Fields(Input& in, bool role_required)
      : role(in.role("Role", false, role_required)),
        policy(in.policy()),
        directory(in.home_directory()),
        type(in.home_directory_type()),
        mappings(in.home_directory_mappings()),
        posix(in.posix_profile()) {}

  std::optional<core::Error> apply(core::Access& a) const {
    if (directory) a.home.directory = *directory;
    if (type) a.home.type = *type;
    if (mappings) a.home.mappings = *mappings;
    if (a.home.type == core::HomeType::Path) {
      if (mappings) return core::invalid_argument("HomeDirectoryMappings", std::string(kMappingsNeedLogical));
      a.home.mappings.clear();
    }
    if (posix) a.posix = *posix;
    if (role) core::set_pair(a.attributes, std::string(kRole), *role);
    if (policy) core::set_pair(a.attributes, std::string(kPolicy), *policy);
    return std::nullopt;
  }
};

Reply create_access(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto external_id = in.external_id();
  const Fields fields(in, true);
  if (in.error()) return fail(invalid_request(*in.error()));
  core::Access access;
  access.external_id = *external_id;
  if (auto refused = fields.apply(access)) return fail(*refused, "CreateAccess");
  auto created = c.logins.add_access(c.caller, *server, std::move(access), login_call(c, kDirectoryService));
  if (!created) return fail(created.error(), "CreateAccess");
  return json([&](Writer& w) {
    field(w, "ServerId", created->server);
    field(w, "ExternalId", created->external_id);
  });
}

Reply describe_access(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto external_id = in.external_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto access = c.logins.access(c.caller, *server, *external_id, c.options.call);
  if (!access) return fail(access.error(), "DescribeAccess");
  return json([&](Writer& w) {
    field(w, "ServerId", access->server);
    w.Key("Access");
    write_described_access(w, access.value());
  });
}

Reply list_accesses(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto max = in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  std::string after;
  if (token) {
    auto position = page_after(*token, "accesses", *server);
    if (!position) return fail(invalid_next_token());
    after = std::move(*position);
  }
  auto page = c.logins.accesses(c.caller, *server, after, page_size(max), c.options.call);
  if (!page) return fail(page.error(), "ListAccesses");
  return json([&](Writer& w) {
    if (page->more) field(w, "NextToken", page_token("accesses", *server, page->items.back().external_id));
    field(w, "ServerId", *server);
    w.Key("Accesses");
    w.StartArray();
    for (const auto& a : page->items) write_listed_access(w, a);
    w.EndArray();
  });
}

Reply update_access(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto external_id = in.external_id();
  const Fields fields(in, false);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto updated = c.logins.update_access(c.caller, *server, *external_id,
                                        [&](core::Access& a) { return fields.apply(a); }, login_call(c));
  if (!updated) return fail(updated.error(), "UpdateAccess");
  return json([&](Writer& w) {
    field(w, "ServerId", updated->server);
    field(w, "ExternalId", updated->external_id);
  });
}

Reply delete_access(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto external_id = in.external_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto removed = c.logins.remove_access(c.caller, *server, *external_id, login_call(c));
  if (!removed) return fail(removed.error(), "DeleteAccess");
  return Reply{};
}

constexpr NamedOperation kAccessOperations[] = {
    {"CreateAccess", create_access}, {"DescribeAccess", describe_access}, {"ListAccesses", list_accesses},
    {"UpdateAccess", update_access}, {"DeleteAccess", delete_access},
};

}  // namespace

std::span<const NamedOperation> access_operations() { return kAccessOperations; }

}  // namespace transfer
