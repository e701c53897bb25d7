// Read with a caller that sees every tenant: the control plane is not a
// tenant's client. Lists are read whole (a page of the largest size at a
// time) so the view shows everything a server has.
#include "gateway/logins_api.h"

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>

#include "gateway/control_plane.h"
#include "gateway/json_writer.h"

namespace gateway {
namespace {

constexpr core::Caller kControlPlane{0, true, false, true};
constexpr std::size_t kPage = 1000;

void write_home(JsonWriter& w, const core::Home& home) {
  w.Key("home");
  w.StartObject();
  write_field(w, "type", home.type == core::HomeType::Logical ? "logical" : "path");
  write_field(w, "directory", home.directory);
  w.Key("mappings");
  w.StartArray();
  for (const auto& m : home.mappings) {
    w.StartObject();
    write_field(w, "entry", m.entry);
    write_field(w, "target", m.target);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_posix(JsonWriter& w, const std::optional<core::PosixIdentity>& posix) {
  w.Key("posix");
  if (!posix) return w.Null(), void();
  w.StartObject();
  w.Key("uid");
  w.Uint64(posix->uid);
  w.Key("gid");
  w.Uint64(posix->gid);
  w.Key("secondary_gids");
  w.StartArray();
  for (auto g : posix->secondary_gids) w.Uint64(g);
  w.EndArray();
  w.EndObject();
}

void write_host_key(JsonWriter& w, const core::HostKey& k, bool generated) {
  w.StartObject();
  write_field(w, "id", k.id);
  write_field(w, "type", k.type);
  write_field(w, "fingerprint", k.fingerprint);
  write_field(w, "public_key", k.public_line);
  write_field(w, "description", k.description);
  w.Key("imported_ms");
  w.Int64(k.imported_ms);
  w.Key("generated");
  w.Bool(generated);
  w.EndObject();
}

// Every item of a listing, page after page.
template <typename T, typename List, typename After>
std::vector<T> all(List list, After after_of) {
  std::vector<T> out;
  std::string after;
  for (;;) {
    auto page = list(after);
    if (!page) break;
    for (auto& item : page->items) out.push_back(std::move(item));
    if (!page->more || out.empty()) break;
    after = after_of(out.back());
  }
  return out;
}

}  // namespace

void mount_logins(httplib::Server& server, core::Fleet& fleet, core::Logins& logins) {
  server.Get(R"(/_gateway/servers/([^/]{1,64})/logins)", [&fleet, &logins](const httplib::Request& req,
                                                                              httplib::Response& res) {
    const auto id = req.matches[1].str();
    auto found = fleet.get(kControlPlane, id);
    if (!found) return send_control_error(res, 404, fmt::format("no server {}", id));
    const auto& s = found.value();
    const auto users = all<core::LoginUser>(
        [&](const std::string& after) { return logins.users(kControlPlane, s.transfer_id, after, kPage); },
        [](const core::LoginUser& u) { return u.name; });
    const auto host_keys = all<core::HostKey>(
        [&](const std::string& after) { return logins.host_keys(kControlPlane, s.transfer_id, after, kPage); },
        [](const core::HostKey& k) { return k.id; });
    const auto accesses = all<core::Access>(
        [&](const std::string& after) { return logins.accesses(kControlPlane, s.transfer_id, after, kPage); },
        [](const core::Access& a) { return a.external_id; });

    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_field(w, "id", s.uuid);
    write_field(w, "server_id", s.transfer_id);
    write_field(w, "name", s.name);
    w.Key("users");
    w.StartArray();
    for (const auto& u : users) {
      w.StartObject();
      write_field(w, "name", u.name);
      write_home(w, u.home);
      write_posix(w, u.posix);
      w.Key("public_keys");
      w.StartArray();
      for (const auto& k : u.keys) {
        w.StartObject();
        write_field(w, "id", k.id);
        write_field(w, "type", k.type);
        write_field(w, "fingerprint", k.fingerprint);
        write_field(w, "body", k.body);
        w.Key("imported_ms");
        w.Int64(k.imported_ms);
        w.EndObject();
      }
      w.EndArray();
      w.Key("created_ms");
      w.Int64(u.created_ms);
      w.EndObject();
    }
    w.EndArray();
    w.Key("host_keys");
    w.StartArray();
    for (const auto& k : host_keys) write_host_key(w, k, false);
    w.EndArray();
    w.Key("presented_host_keys");
    w.StartArray();
    for (const auto& k : logins.presented_host_keys(s)) write_host_key(w, k, k.id.empty());
    w.EndArray();
    w.Key("accesses");
    w.StartArray();
    for (const auto& a : accesses) {
      w.StartObject();
      write_field(w, "external_id", a.external_id);
      write_home(w, a.home);
      write_posix(w, a.posix);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
  });
}

}  // namespace gateway
