// ImportHostKey, DescribeHostKey, ListHostKeys, UpdateHostKey,
// DeleteHostKey: the private keys a server presents. The private half is
// kept (the server needs it) and never shown: answers carry the type, the
// fingerprint and the description.
#include "adapters/transfer/login_views.h"
#include "adapters/transfer/logins_support.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/paging.h"
#include "adapters/transfer/reply.h"

namespace transfer {
namespace {

Reply import_host_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto key_body = in.secret("HostKeyBody", true, 4096);
  const auto description = in.description(false);
  auto tags = in.tags(false);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto key = host_key(*key_body);
  if (auto* e = std::get_if<WireError>(&key)) return fail(*e);
  auto& made = std::get<core::HostKey>(key);
  made.description = description.value_or("");
  if (tags) made.tags = std::move(*tags);
  auto added = c.logins.add_host_key(c.caller, *server, std::move(made), login_call(c));
  if (!added) return fail(added.error(), "ImportHostKey");
  return json([&](Writer& w) {
    field(w, "HostKeyId", added->id);
    field(w, "ServerId", added->server);
  });
}

Reply describe_host_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto id = in.host_key_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto key = c.logins.host_key(c.caller, *server, *id, c.options.call);
  if (!key) return fail(key.error(), "DescribeHostKey");
  return json([&](Writer& w) {
    w.Key("HostKey");
    write_described_host_key(w, key.value(), c.region, c.account);
  });
}

Reply list_host_keys(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto max = in.integer("MaxResults", 1, 1000);
  const auto token = in.string("NextToken", false, 1, 6144);
  if (in.error()) return fail(invalid_request(*in.error()));
  std::string after;
  if (token) {
    auto position = page_after(*token, "host-keys", *server);
    if (!position) return fail(invalid_next_token());
    after = std::move(*position);
  }
  auto page = c.logins.host_keys(c.caller, *server, after, page_size(max), c.options.call);
  if (!page) return fail(page.error(), "ListHostKeys");
  return json([&](Writer& w) {
    if (page->more) field(w, "NextToken", page_token("host-keys", *server, page->items.back().id));
    field(w, "ServerId", *server);
    w.Key("HostKeys");
    w.StartArray();
    for (const auto& k : page->items) write_listed_host_key(w, k, c.region, c.account);
    w.EndArray();
  });
}

Reply update_host_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto id = in.host_key_id();
  const auto description = in.description(true);
  if (in.error()) return fail(invalid_request(*in.error()));
  auto updated = c.logins.update_host_key(c.caller, *server, *id, [&](core::HostKey& k) { k.description = *description; },
                                          login_call(c));
  if (!updated) return fail(updated.error(), "UpdateHostKey");
  return json([&](Writer& w) {
    field(w, "HostKeyId", updated->id);
    field(w, "ServerId", updated->server);
  });
}

Reply delete_host_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto id = in.host_key_id();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto removed = c.logins.remove_host_key(c.caller, *server, *id, login_call(c));
  if (!removed) return fail(removed.error(), "DeleteHostKey");
  return Reply{};
}

constexpr NamedOperation kHostKeyOperations[] = {
    {"ImportHostKey", import_host_key},     {"DescribeHostKey", describe_host_key},
    {"ListHostKeys", list_host_keys},       {"UpdateHostKey", update_host_key},
    {"DeleteHostKey", delete_host_key},
};

}  // namespace

std::span<const NamedOperation> host_key_operations() { return kHostKeyOperations; }

}  // namespace transfer
