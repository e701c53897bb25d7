#include "gateway/control_plane.h"

#include <httplib.h>
#include <rapidjson/document.h>

#include "core/text.h"
#include "gateway/event_stream.h"
#include "gateway/fault_rules.h"
#include "gateway/files_api.h"
#include "gateway/journal_api.h"
#include "gateway/logins_api.h"
#include "gateway/json_reader.h"
#include "gateway/json_writer.h"
#include "gateway/snapshot_api.h"
#include "gateway/state_views.h"
#include "gateway/ui_assets.h"

namespace gateway {
namespace {

void send(httplib::Response& res, const rapidjson::StringBuffer& buffer, int status = 200) {
  res.status = status;
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_control_error(res, status, message);
}

}  // namespace

std::string error_json(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(status);
  write_field(w, "message", core::valid_utf8(message));  // may echo a body's bytes
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void send_control_error(httplib::Response& res, int status, std::string_view message) {
  res.status = status;
  res.set_content(error_json(status, message), "application/json");
}

namespace {

// Parses a control-plane body; on failure answers 400 and returns false.
bool parse_body(const httplib::Request& req, httplib::Response& res, rapidjson::Document& doc) {
  if (auto error = parse_json_body(req.body, doc)) {
    send_error(res, 400, *error);
    return false;
  }
  return true;
}

void write_server(JsonWriter& w, const core::ServerInfo& s, const core::TenantInfo& tenant,
                  core::net::Networks& networks, std::size_t users, const sftp::Endpoints* endpoints) {
  w.StartObject();
  write_field(w, "id", s.uuid);
  write_field(w, "server_id", s.transfer_id);
  write_field(w, "name", s.name);
  write_field(w, "state", core::name(s.state));
  write_state_views(w, s.state, s.transition_from);
  write_actions(w, s.state);
  w.Key("locked");
  w.Bool(s.lock.locked);
  if (s.lock.locked) {
    write_field(w, "locked_by", core::name(s.lock.by));
    write_field(w, "locked_reason", s.lock.reason);
  }
  write_tenant(w, tenant);
  w.Key("addresses");
  w.StartArray();
  for (const auto& a : networks.addresses_of(s.uuid)) {
    w.StartObject();
    write_field(w, "network", a.network_name);
    write_field(w, "addr", core::net::to_string(a.address));
    write_field(w, "type", a.floating ? "floating" : "fixed");
    write_field(w, "mac", a.mac);
    w.EndObject();
  }
  w.EndArray();
  w.Key("created_ms");
  w.Int64(s.created_ms);
  w.Key("updated_ms");
  w.Int64(s.updated_ms);
  w.Key("users");
  w.Uint64(users);
  w.Key("sftp");
  const auto port = endpoints ? endpoints->port_of(s.transfer_id) : std::nullopt;
  if (!port) {
    w.Null();
  } else {
    w.StartObject();
    write_field(w, "host", endpoints->host());
    w.Key("port");
    w.Int(*port);
    w.Key("sessions");
    w.StartArray();
    for (const auto& [user, remote] : endpoints->sessions_of(s.transfer_id)) {
      w.StartObject();
      write_field(w, "user", user);
      write_field(w, "remote", remote);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
}

double seconds(core::Millis ms) { return static_cast<double>(ms) / 1000.0; }

void write_clock(httplib::Response& res, const core::SwitchableClock& clock) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_field(w, "mode", clock.is_virtual() ? "virtual" : "real");
  w.Key("now_ms");
  w.Int64(clock.now_ms());
  w.EndObject();
  send(res, buffer);
}

}  // namespace

void mount_control_plane(httplib::Server& server, ControlPlane plane) {
  auto& fleet = plane.fleet;
  auto& clock = plane.clock;

  server.Get("/_gateway/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  auto& networks = plane.networks;
  server.Get("/_gateway/servers", [&fleet, &networks, &logins = plane.logins,
                                   endpoints = plane.sftp](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("servers");
    w.StartArray();
    core::ListQuery query;
    for (;;) {
      auto page = fleet.list(query);
      for (const auto& s : page.servers)
        write_server(w, s, fleet.tenants().info(s.tenant), networks, logins.user_count(s.transfer_id), endpoints);
      if (!page.more || page.servers.empty()) break;
      query.after_seq = page.servers.back().seq;
    }
    w.EndArray();
    w.EndObject();
    send(res, buffer);
  });

  server.Get("/_gateway/billing", [&fleet](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_field(w, "billing_note", core::kBillingNote);
    w.Key("servers");
    w.StartArray();
    for (const auto& e : fleet.ledger()) {
      w.StartObject();
      write_field(w, "id", e.uuid);
      write_field(w, "server_id", e.transfer_id);
      write_field(w, "name", e.name);
      write_field(w, "state", core::name(e.state));
      write_tenant(w, fleet.tenants().info(e.tenant));
      w.Key("created_ms");
      w.Int64(e.created_ms);
      w.Key("deleted");
      w.Bool(e.deleted_ms.has_value());
      w.Key("deleted_ms");
      if (e.deleted_ms) w.Int64(*e.deleted_ms);
      else w.Null();
      w.Key("billed_seconds");
      w.Double(seconds(e.billed_ms));
      w.Key("running_seconds");
      w.Double(seconds(e.running_ms));
      w.Key("stopped_seconds");
      w.Double(seconds(e.stopped_ms));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    send(res, buffer);
  });

  server.Get("/_gateway/faults", [&fleet](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("rules");
    w.StartArray();
    for (const auto& rule : fleet.faults().list()) write_fault_rule(w, rule, fleet.tenants());
    w.EndArray();
    w.EndObject();
    send(res, buffer);
  });

  server.Post("/_gateway/faults", [&fleet](const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    if (!parse_body(req, res, doc)) return;
    auto parsed = parse_fault_rule(doc, fleet);
    if (auto* error = std::get_if<std::string>(&parsed)) return send_error(res, 400, *error);
    auto rule = std::get<core::FaultRule>(parsed);
    rule.id = fleet.faults().add(rule);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("rule");
    write_fault_rule(w, rule, fleet.tenants());
    w.EndObject();
    send(res, buffer, 201);
  });

  server.Delete("/_gateway/faults", [&fleet](const httplib::Request&, httplib::Response& res) {
    fleet.faults().clear();
    res.status = 204;
  });

  server.Delete(R"(/_gateway/faults/(\d{1,18}))", [&fleet](const httplib::Request& req, httplib::Response& res) {
    const auto id = std::stoull(req.matches[1].str());
    if (!fleet.faults().remove(id)) return send_error(res, 404, fmt::format("no fault rule {}", id));
    res.status = 204;
  });

  server.Get("/_gateway/clock", [&clock](const httplib::Request&, httplib::Response& res) { write_clock(res, clock); });

  server.Post("/_gateway/clock", [&fleet, &clock](const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    if (!parse_body(req, res, doc)) return;
    Reader r;
    if (!r.object(doc, "(body)", {"mode", "advance_ms"})) return send_error(res, 400, *r.error());
    const auto mode = r.string(doc, "mode", "(body)", false);
    const auto advance = r.integer(doc, "advance_ms", "(body)", 0, 365L * 24 * 3600 * 1000);
    if (!r.failed() && mode && *mode != "virtual" && *mode != "real")
      r.fail("mode", fmt::format("'{}' is not virtual or real", *mode));
    if (!r.failed() && !mode && !advance) r.fail("(body)", "give 'mode' or 'advance_ms'");
    if (!r.failed() && advance && mode == "real") r.fail("advance_ms", "only virtual time can be advanced");
    if (r.failed()) return send_error(res, 400, *r.error());
    if (mode == "real") clock.use_real();
    if (mode == "virtual") clock.use_virtual();
    if (advance) clock.advance(*advance);
    fleet.settle_due();  // whatever came due now settles, and its events go out
    write_clock(res, clock);
  });

  server.Post("/_gateway/reset", [plane](const httplib::Request&, httplib::Response& res) {
    if (auto error = plane.reset(); !error.empty()) return send_error(res, 500, error);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("servers");
    w.Uint64(plane.fleet.size());
    w.EndObject();
    send(res, buffer);
  });

  server.Get("/metrics", [&fleet, &metrics = plane.metrics, &logins = plane.logins,
                          endpoints = plane.sftp](const httplib::Request&, httplib::Response& res) {
    auto text = metrics.render(fleet, logins.counts());
    if (endpoints) text += render_sftp(endpoints->stats());
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });

  server.Get("/_gateway/consoles", [consoles = plane.consoles](const httplib::Request&, httplib::Response& res) {
    const auto view = consoles ? consoles() : ConsoleView{};
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    if (view.url.empty()) {
      w.Key("url");
      w.Null();
    } else {
      write_field(w, "url", view.url);
    }
    for (const auto& [key, value] : {std::pair<const char*, std::uint64_t>{"connections", view.connections},
                                     {"refused", view.refused}, {"sessions", view.sessions}, {"open", view.open}}) {
      w.Key(key);
      w.Uint64(value);
    }
    w.EndObject();
    send(res, buffer);
  });

  mount_event_stream(server, fleet, plane.stopping);
  mount_journal(server, fleet);
  mount_logins(server, fleet, plane.logins);
  mount_files(server, fleet, plane.sftp);
  mount_snapshots(server, fleet, plane.ids);

  // The dashboard, from the files embedded at build time.
  server.Get("/_gateway/ui", [](const httplib::Request& req, httplib::Response& res) {
    res.set_redirect(req.params.count("token") ? "/_gateway/ui/?token=" + req.get_param_value("token")
                                               : "/_gateway/ui/");
  });
  server.Get(R"(/_gateway/ui/([a-z.]*))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
    for (const auto& asset : ui_assets()) {
      if (asset.name != name) continue;
      res.set_header("Cache-Control", "no-cache");
      res.set_content(asset.data, asset.size, std::string(asset.content_type).c_str());
      return;
    }
    send_error(res, 404, fmt::format("no such page file: {}", name));
  });
}

}  // namespace gateway
