#include "gateway/control_plane.h"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace gateway {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_server(Writer& w, const core::ServerInfo& s, const core::TenantInfo& tenant) {
  w.StartObject();
  write_string(w, "id", s.uuid);
  write_string(w, "server_id", s.transfer_id);
  write_string(w, "name", s.name);
  write_string(w, "state", core::name(s.state));
  w.Key("locked");
  w.Bool(s.lock.locked);
  if (s.lock.locked) {
    write_string(w, "locked_by", core::name(s.lock.by));
    write_string(w, "locked_reason", s.lock.reason);
  }
  w.Key("tenant");
  w.StartObject();
  write_string(w, "project", tenant.project);
  write_string(w, "account", tenant.account);
  write_string(w, "region", tenant.region);
  w.EndObject();
  w.Key("created_ms");
  w.Int64(s.created_ms);
  w.Key("updated_ms");
  w.Int64(s.updated_ms);
  w.EndObject();
}

void send_json(httplib::Response& res, const rapidjson::StringBuffer& buffer) {
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

}  // namespace

void mount_control_plane(httplib::Server& server, core::Fleet& fleet) {
  server.Get("/_gateway/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  server.Get("/_gateway/servers", [&fleet](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("servers");
    w.StartArray();
    core::ListQuery query;
    for (;;) {
      auto page = fleet.list(query);
      for (const auto& s : page.servers) write_server(w, s, fleet.tenants().info(s.tenant));
      if (!page.more || page.servers.empty()) break;
      query.after_seq = page.servers.back().seq;
    }
    w.EndArray();
    w.EndObject();
    send_json(res, buffer);
  });
}

}  // namespace gateway
