// ImportSshPublicKey, DeleteSshPublicKey: a user's SSH public keys. A key is
// parsed for real (secret/ssh_keys.h) before the user is looked up; the
// same key twice is ResourceExistsException naming the key already there.
#include "adapters/transfer/logins_support.h"
#include "adapters/transfer/model.h"
#include "adapters/transfer/reply.h"

namespace transfer {
namespace {

Reply import_ssh_public_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto key_body = in.secret("SshPublicKeyBody", true, 2048);
  const auto name = in.user_name();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto key = public_key(*key_body);
  if (auto* e = std::get_if<WireError>(&key)) return fail(*e);
  auto added = c.logins.add_public_key(c.caller, *server, *name, std::get<core::PublicKey>(std::move(key)),
                                       login_call(c));
  if (!added) return fail(added.error(), "ImportSshPublicKey");
  return json([&](Writer& w) {
    field(w, "ServerId", *server);
    field(w, "SshPublicKeyId", added->id);
    field(w, "UserName", *name);
  });
}

Reply delete_ssh_public_key(Context& c, const rapidjson::Value& body) {
  Input in(body);
  const auto server = in.server_id();
  const auto id = in.ssh_public_key_id();
  const auto name = in.user_name();
  if (in.error()) return fail(invalid_request(*in.error()));
  auto removed = c.logins.remove_public_key(c.caller, *server, *name, *id, login_call(c));
  if (!removed) return fail(removed.error(), "DeleteSshPublicKey");
  return Reply{};
}

constexpr NamedOperation kSshKeyOperations[] = {
    {"ImportSshPublicKey", import_ssh_public_key},
    {"DeleteSshPublicKey", delete_ssh_public_key},
};

}  // namespace

std::span<const NamedOperation> ssh_key_operations() { return kSshKeyOperations; }

}  // namespace transfer
