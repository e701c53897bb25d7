#include "adapters/transfer/views.h"

#include "adapters/transfer/api.h"
#include "adapters/transfer/security_policies.h"

namespace transfer {

void field(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

namespace {

std::string_view attribute(const core::ServerInfo& s, std::string_view key, std::string_view fallback) {
  return core::find_pair(s.attributes, key).value_or(fallback);
}

void common(Writer& w, const core::ServerInfo& s, const std::string& region, const std::string& account) {
  field(w, "Arn", server_arn(region, account, s.transfer_id));
  field(w, "Domain", attribute(s, kDomain, "S3"));
  field(w, "EndpointType", attribute(s, kEndpointType, "PUBLIC"));
  field(w, "IdentityProviderType", attribute(s, kIdentityProviderType, "SERVICE_MANAGED"));
  if (auto role = core::find_pair(s.attributes, kLoggingRole); role && !role->empty()) field(w, "LoggingRole", *role);
}

}  // namespace

std::string server_arn(const std::string& region, const std::string& account, const std::string& server_id) {
  return "arn:aws:transfer:" + region + ":" + account + ":server/" + server_id;
}

void write_tags(Writer& w, const core::Pairs& tags) {
  w.StartArray();
  for (const auto& [k, v] : tags) {
    w.StartObject();
    field(w, "Key", k);
    field(w, "Value", v);
    w.EndObject();
  }
  w.EndArray();
}

void write_described_server(Writer& w, const core::ServerInfo& s, const std::string& region,
                            const std::string& account, std::size_t user_count, std::string_view host_key_fingerprint) {
  w.StartObject();
  common(w, s, region, account);
  field(w, "HostKeyFingerprint", host_key_fingerprint);
  w.Key("ProtocolDetails");
  w.StartObject();
  field(w, "PassiveIp", "AUTO");
  field(w, "TlsSessionResumptionMode", "ENFORCED");
  field(w, "SetStatOption", "DEFAULT");
  w.EndObject();
  w.Key("Protocols");
  w.StartArray();
  const auto protocols = attribute(s, kProtocols, "SFTP");
  for (std::size_t start = 0; start <= protocols.size();) {
    auto comma = protocols.find(',', start);
    if (comma == std::string_view::npos) comma = protocols.size();
    const auto p = protocols.substr(start, comma - start);
    w.String(p.data(), static_cast<rapidjson::SizeType>(p.size()));
    start = comma + 1;
  }
  w.EndArray();
  field(w, "SecurityPolicyName", attribute(s, kSecurityPolicyName, kDefaultSecurityPolicy));
  field(w, "ServerId", s.transfer_id);
  field(w, "State", state_name(s.state, s.transition_from));
  w.Key("Tags");
  write_tags(w, s.tags);
  w.Key("UserCount");
  w.Uint64(user_count);
  w.EndObject();
}

void write_listed_server(Writer& w, const core::ServerInfo& s, const std::string& region,
                         const std::string& account, std::size_t user_count) {
  w.StartObject();
  common(w, s, region, account);
  field(w, "ServerId", s.transfer_id);
  field(w, "State", state_name(s.state, s.transition_from));
  w.Key("UserCount");
  w.Uint64(user_count);
  w.EndObject();
}

}  // namespace transfer
