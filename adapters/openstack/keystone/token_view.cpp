#include "adapters/openstack/keystone/token_view.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "adapters/openstack/keystone/directory.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack {
namespace {

void write_domain(Writer& w) {
  w.Key("domain");
  w.StartObject();
  field(w, "id", kDefaultDomain);
  field(w, "name", kDefaultDomainName);
  w.EndObject();
}

void write_endpoint_entry(Writer& w, std::string_view type, std::string_view name, const std::string& url) {
  w.StartObject();
  field(w, "type", type);
  field(w, "name", name);
  field(w, "id", std::string(type) + "-service");
  w.Key("endpoints");
  w.StartArray();
  w.StartObject();
  field(w, "id", std::string(type) + "-public");
  field(w, "interface", "public");
  field(w, "region", "RegionOne");
  field(w, "region_id", "RegionOne");
  field(w, "url", url);
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string keystone_time(std::chrono::system_clock::time_point t) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(t)), micros);
}

std::string token_body(const Identity& id, const std::string& base) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("token");
  w.StartObject();
  w.Key("methods");
  w.StartArray();
  w.String(id.method.data(), static_cast<rapidjson::SizeType>(id.method.size()));
  w.EndArray();
  w.Key("user");
  w.StartObject();
  write_domain(w);
  field(w, "id", id.user);
  field(w, "name", id.user_name);
  w.Key("password_expires_at");
  w.Null();
  w.EndObject();
  w.Key("audit_ids");
  w.StartArray();
  w.String(id.audit_id.c_str());
  w.EndArray();
  field(w, "expires_at", keystone_time(id.expires));
  field(w, "issued_at", keystone_time(id.issued));
  if (!id.project.empty()) {
    w.Key("project");
    w.StartObject();
    write_domain(w);
    field(w, "id", id.project);
    field(w, "name", id.project_name);
    w.EndObject();
    w.Key("is_domain");
    w.Bool(false);
    w.Key("roles");
    w.StartArray();
    for (std::size_t i = 0; i < id.roles.size(); ++i) {
      w.StartObject();
      field(w, "id", i < id.role_ids.size() ? id.role_ids[i] : id.roles[i]);
      field(w, "name", id.roles[i]);
      w.EndObject();
    }
    w.EndArray();
    w.Key("catalog");
    w.StartArray();
    write_endpoint_entry(w, "compute", "nova", base + "/compute/v2.1");
    write_endpoint_entry(w, "image", "glance", base + "/image");
    write_endpoint_entry(w, "network", "neutron", base + "/networking");
    write_endpoint_entry(w, "identity", "keystone", base + "/identity");
    w.EndArray();
  }
  if (!id.app_credential.empty()) {
    w.Key("application_credential");
    w.StartObject();
    field(w, "id", id.app_credential);
    field(w, "name", id.app_credential_name);
    w.Key("restricted");
    w.Bool(!id.app_credential_unrestricted);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace openstack
