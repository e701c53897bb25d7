// Optional members are left out when there is nothing to show (a user with
// no policy has no Policy), as AWS does; lists a shape always has (a user's
// SshPublicKeys) are written even when empty. Times are epoch seconds.
#include "adapters/transfer/login_views.h"

namespace transfer {
namespace {

void seconds(Writer& w, const char* key, core::Millis ms) {
  w.Key(key);
  w.Double(static_cast<double>(ms) / 1000.0);
}

void strings(Writer& w, const char* key, std::span<const std::string_view> list) {
  w.Key(key);
  w.StartArray();
  for (auto s : list) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void attribute(Writer& w, const char* key, const core::Pairs& attributes, std::string_view name) {
  if (auto v = core::find_pair(attributes, name); v && !v->empty()) field(w, key, *v);
}

void home(Writer& w, const core::Home& h, bool with_mappings) {
  if (!h.directory.empty()) field(w, "HomeDirectory", h.directory);
  field(w, "HomeDirectoryType", h.type == core::HomeType::Logical ? "LOGICAL" : "PATH");
  if (with_mappings && !h.mappings.empty()) {
    w.Key("HomeDirectoryMappings");
    w.StartArray();
    for (const auto& m : h.mappings) {
      w.StartObject();
      field(w, "Entry", m.entry);
      field(w, "Target", m.target);
      w.EndObject();
    }
    w.EndArray();
  }
}

void posix(Writer& w, const std::optional<core::PosixIdentity>& p) {
  if (!p) return;
  w.Key("PosixProfile");
  w.StartObject();
  w.Key("Uid");
  w.Uint64(p->uid);
  w.Key("Gid");
  w.Uint64(p->gid);
  if (!p->secondary_gids.empty()) {
    w.Key("SecondaryGids");
    w.StartArray();
    for (auto g : p->secondary_gids) w.Uint64(g);
    w.EndArray();
  }
  w.EndObject();
}

void optional_tags(Writer& w, const core::Pairs& tags) {
  if (tags.empty()) return;  // the shape's Tags hold 1 to 50
  w.Key("Tags");
  write_tags(w, tags);
}

}  // namespace

std::string user_arn(const std::string& region, const std::string& account, const core::LoginUser& user) {
  return "arn:aws:transfer:" + region + ":" + account + ":user/" + user.server + "/" + user.name;
}

std::string host_key_arn(const std::string& region, const std::string& account, const core::HostKey& key) {
  return "arn:aws:transfer:" + region + ":" + account + ":host-key/" + key.server + "/" + key.id;
}

void write_described_user(Writer& w, const core::LoginUser& u, const std::string& region, const std::string& account) {
  w.StartObject();
  field(w, "Arn", user_arn(region, account, u));
  home(w, u.home, true);
  attribute(w, "Policy", u.attributes, kPolicy);
  posix(w, u.posix);
  attribute(w, "Role", u.attributes, kRole);
  w.Key("SshPublicKeys");
  w.StartArray();
  for (const auto& k : u.keys) {
    w.StartObject();
    seconds(w, "DateImported", k.imported_ms);
    field(w, "SshPublicKeyBody", k.body);
    field(w, "SshPublicKeyId", k.id);
    w.EndObject();
  }
  w.EndArray();
  optional_tags(w, u.tags);
  field(w, "UserName", u.name);
  w.EndObject();
}

void write_listed_user(Writer& w, const core::LoginUser& u, const std::string& region, const std::string& account) {
  w.StartObject();
  field(w, "Arn", user_arn(region, account, u));
  home(w, u.home, false);
  attribute(w, "Role", u.attributes, kRole);
  w.Key("SshPublicKeyCount");
  w.Uint64(u.keys.size());
  field(w, "UserName", u.name);
  w.EndObject();
}

void write_described_host_key(Writer& w, const core::HostKey& k, const std::string& region,
                              const std::string& account) {
  w.StartObject();
  field(w, "Arn", host_key_arn(region, account, k));
  field(w, "HostKeyId", k.id);
  field(w, "HostKeyFingerprint", k.fingerprint);
  field(w, "Description", k.description);
  field(w, "Type", k.type);
  seconds(w, "DateImported", k.imported_ms);
  optional_tags(w, k.tags);
  w.EndObject();
}

void write_listed_host_key(Writer& w, const core::HostKey& k, const std::string& region, const std::string& account) {
  w.StartObject();
  field(w, "Arn", host_key_arn(region, account, k));
  field(w, "HostKeyId", k.id);
  field(w, "Fingerprint", k.fingerprint);
  field(w, "Description", k.description);
  field(w, "Type", k.type);
  seconds(w, "DateImported", k.imported_ms);
  w.EndObject();
}

void write_described_access(Writer& w, const core::Access& a) {
  w.StartObject();
  home(w, a.home, true);
  attribute(w, "Policy", a.attributes, kPolicy);
  posix(w, a.posix);
  attribute(w, "Role", a.attributes, kRole);
  field(w, "ExternalId", a.external_id);
  w.EndObject();
}

void write_listed_access(Writer& w, const core::Access& a) {
  w.StartObject();
  home(w, a.home, false);
  attribute(w, "Role", a.attributes, kRole);
  field(w, "ExternalId", a.external_id);
  w.EndObject();
}

void write_security_policy(Writer& w, const SecurityPolicy& p) {
  w.StartObject();
  w.Key("Fips");
  w.Bool(p.fips);
  field(w, "SecurityPolicyName", p.name);
  strings(w, "SshCiphers", p.ssh_ciphers);
  strings(w, "SshKexs", p.ssh_kexs);
  strings(w, "SshMacs", p.ssh_macs);
  strings(w, "TlsCiphers", p.tls_ciphers);
  w.EndObject();
}

}  // namespace transfer
