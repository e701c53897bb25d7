// TagResource, UntagResource, ListTagsForResource: on a server, a user or a
// host key, named by its ARN. An ARN of another account is someone else's
// resource (access denied, as IAM would answer); of another region, or of a
// kind we do not keep, it names nothing we have.
#include <algorithm>
#include <variant>

#include <fmt/format.h>

#include "adapters/transfer/model.h"
#include "adapters/transfer/reply.h"

namespace transfer {
namespace {

enum class Kind { Server, User, HostKey };

struct Resource {
  Kind kind = Kind::Server;
  std::string server;
  std::string name;  // a user's name, a host key's id
};

std::variant<Resource, WireError> resource_of(const Context& c, std::string_view operation, const std::string& arn) {
  constexpr std::string_view kPrefix = "arn:aws:transfer:";
  std::string_view rest(arn);
  if (rest.substr(0, kPrefix.size()) == kPrefix) {
    rest.remove_prefix(kPrefix.size());
    const auto region = rest.substr(0, rest.find(':'));
    rest.remove_prefix(std::min(rest.size(), region.size() + 1));
    const auto account = rest.substr(0, rest.find(':'));
    rest.remove_prefix(std::min(rest.size(), account.size() + 1));
    const auto slash = rest.find('/');
    const auto kind = rest.substr(0, slash);
    const auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const auto cut = path.find('/');
    Resource r;
    if (kind == "server" && cut == std::string_view::npos) {
      r.server = std::string(path);
    } else if ((kind == "user" || kind == "host-key") && cut != std::string_view::npos) {
      r.kind = kind == "user" ? Kind::User : Kind::HostKey;
      r.server = std::string(path.substr(0, cut));
      r.name = std::string(path.substr(cut + 1));
    }
    if (!r.server.empty()) {
      if (account != c.account)
        return access_denied(fmt::format("Account {} is not authorized to perform transfer:{} on resource {}",
                                         c.account, operation, arn));
      if (region == c.region) return r;
    }
  }
  return from_core(core::missing("resource", arn), operation);
}

Reply tag_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  auto tags = in.tags(true);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto found = resource_of(c, "TagResource", *arn);
  if (auto* e = std::get_if<WireError>(&found)) return fail(*e);
  const auto& r = std::get<Resource>(found);
  const auto add = [&](core::Pairs& to) {
    for (auto& [k, v] : *tags) core::set_pair(to, k, v);
  };
  std::optional<core::Error> refused;
  if (r.kind == Kind::Server) {
    auto updated = c.fleet.update(c.caller, r.server, [&](core::Editable& e) { add(e.tags); }, c.options);
    if (!updated) refused = updated.error();
  } else if (r.kind == Kind::User) {
    auto updated = c.logins.update_user(c.caller, r.server, r.name, [&](core::LoginUser& u) {
      add(u.tags);
      return std::optional<core::Error>{};
    }, {c.options.call, {}});
    if (!updated) refused = updated.error();
  } else {
    auto updated = c.logins.update_host_key(c.caller, r.server, r.name, [&](core::HostKey& k) { add(k.tags); },
                                            {c.options.call, {}});
    if (!updated) refused = updated.error();
  }
  if (refused) return fail(*refused, "TagResource");
  return Reply{};
}

Reply untag_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  const auto keys = in.tag_keys();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto found = resource_of(c, "UntagResource", *arn);
  if (auto* e = std::get_if<WireError>(&found)) return fail(*e);
  const auto& r = std::get<Resource>(found);
  const auto drop = [&](core::Pairs& from) {
    std::erase_if(from, [&](const auto& tag) { return std::find(keys->begin(), keys->end(), tag.first) != keys->end(); });
  };
  std::optional<core::Error> refused;
  if (r.kind == Kind::Server) {
    auto updated = c.fleet.update(c.caller, r.server, [&](core::Editable& e) { drop(e.tags); }, c.options);
    if (!updated) refused = updated.error();
  } else if (r.kind == Kind::User) {
    auto updated = c.logins.update_user(c.caller, r.server, r.name, [&](core::LoginUser& u) {
      drop(u.tags);
      return std::optional<core::Error>{};
    }, {c.options.call, {}});
    if (!updated) refused = updated.error();
  } else {
    auto updated = c.logins.update_host_key(c.caller, r.server, r.name, [&](core::HostKey& k) { drop(k.tags); },
                                            {c.options.call, {}});
    if (!updated) refused = updated.error();
  }
  if (refused) return fail(*refused, "UntagResource");
  return Reply{};
}

Reply list_tags_for_resource(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto arn = in.arn();
  in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  if (token) return fail(invalid_next_token());  // every answer fits one page: we never issue one
  auto found = resource_of(c, "ListTagsForResource", *arn);
  if (auto* e = std::get_if<WireError>(&found)) return fail(*e);
  const auto& r = std::get<Resource>(found);
  core::Pairs tags;
  if (r.kind == Kind::Server) {
    auto server = c.fleet.get(c.caller, r.server);
    if (!server) return fail(server.error(), "ListTagsForResource");
    core::note_server(c.options.call, server->uuid, server->transfer_id);
    tags = server->tags;
  } else if (r.kind == Kind::User) {
    auto user = c.logins.user(c.caller, r.server, r.name, c.options.call);
    if (!user) return fail(user.error(), "ListTagsForResource");
    tags = user->tags;
  } else {
    auto key = c.logins.host_key(c.caller, r.server, r.name, c.options.call);
    if (!key) return fail(key.error(), "ListTagsForResource");
    tags = key->tags;
  }
  return json([&](Writer& w) {
    field(w, "Arn", *arn);
    w.Key("Tags");
    write_tags(w, tags);
  });
}

constexpr NamedOperation kTagOperations[] = {
    {"TagResource", tag_resource},
    {"UntagResource", untag_resource},
    {"ListTagsForResource", list_tags_for_resource},
};

}  // namespace

std::span<const NamedOperation> tag_operations() { return kTagOperations; }

}  // namespace transfer
