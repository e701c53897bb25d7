// os-migrations: every server's migration records (migrations.h), as Nova
// lists them to admins: filters host, instance_uuid, source_compute,
// status and migration_type; migration_type and links from 2.23; uuid,
// paging (limit, marker) and changes-since from 2.59, newest first;
// changes-before from 2.66.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "adapters/openstack/shared/iso_time.h"

namespace openstack {
namespace {

struct Row {
  Migration m;
  std::string instance;
  std::string status;
  std::optional<std::uint64_t> old_type, new_type;
};

Fault bad_query(const std::string& key, const std::string& value, const std::string& why) {
  return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. {}", key, value, why));
}

}  // namespace

void Service::list_migrations(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-migrations:index")) return;
  const auto& v = call.version;
  std::vector<std::string_view> known = {"hidden", "host", "instance_uuid", "source_compute", "status",
                                         "migration_type"};
  if (v.at_least(59)) known.insert(known.end(), {"limit", "marker", "changes-since"});
  if (v.at_least(66)) known.push_back("changes-before");
  if (v.at_least(59))
    for (const auto& [key, value] : req.params)
      if (std::find(known.begin(), known.end(), key) == known.end())
        return send_fault(res, call, bad_query(key, value, fmt::format("Additional properties are not allowed ('{}' was "
                                                                      "unexpected)",
                                                                      key)));
  const auto param = [&](const char* key) -> std::optional<std::string> {
    if (!req.has_param(key)) return std::nullopt;
    return req.get_param_value(key);
  };
  std::optional<core::Millis> since, before;
  for (const auto& [key, out] : {std::pair<const char*, std::optional<core::Millis>*>{"changes-since", &since},
                                 {"changes-before", &before}}) {
    const auto text = param(key);
    if (!text || std::find(known.begin(), known.end(), key) == known.end()) continue;
    *out = parse_iso8601(*text);
    if (!*out) return send_fault(res, call, bad_query(key, *text, fmt::format("'{}' is not a 'date-time'", *text)));
  }
  if (since && before && *before < *since)
    return send_fault(res, call, bad_request("The value of changes-since must be less than or equal to changes-before."));
  std::optional<std::size_t> limit;
  if (v.at_least(59)) {
    if (const auto text = param("limit")) {
      std::size_t n = 0;
      const auto* end = text->data() + text->size();
      if (text->empty() || std::from_chars(text->data(), end, n).ptr != end)
        return send_fault(res, call, bad_query("limit", *text, fmt::format("'{}' does not match '^[0-9]*$'", *text)));
      limit = std::min<std::size_t>(n, 1000);
    }
  }

  std::vector<Row> rows;
  core::ListQuery query;  // every tenant's servers
  for (;;) {
    const auto page = fleet.list(query);
    for (const auto& s : page.servers)
      for (auto& m : migrations_of(s)) {
        Row r{m, s.uuid, migration_status(m, s), std::nullopt, std::nullopt};
        if (auto f = find_flavor(settings, m.old_flavor, true)) r.old_type = f->db_id;
        if (auto f = find_flavor(settings, m.new_flavor, true)) r.new_type = f->db_id;
        rows.push_back(std::move(r));
      }
    if (!page.more || page.servers.empty()) break;
    query.after_seq = page.servers.back().seq;
  }
  const auto host_filter = param("host"), source = param("source_compute");
  std::erase_if(rows, [&](const Row& r) {
    const auto updated = r.m.closed.empty() ? r.m.created_ms : r.m.updated_ms;
    return (host_filter && *host_filter != kHost) || (source && *source != kHost) ||
           (param("instance_uuid") && *param("instance_uuid") != r.instance) ||
           (param("status") && *param("status") != r.status) ||
           (param("migration_type") && *param("migration_type") != r.m.type) || (since && updated < *since) ||
           (before && updated > *before);
  });
  // Nova's order: by id before 2.59; newest first (created_at, then id, descending) from it.
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (!v.at_least(59)) return a.m.id < b.m.id;
    return a.m.created_ms != b.m.created_ms ? a.m.created_ms > b.m.created_ms : a.m.id > b.m.id;
  });
  if (v.at_least(59)) {
    if (const auto marker = param("marker")) {
      const auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.m.uuid == *marker; });
      if (it == rows.end()) return send_fault(res, call, bad_request(fmt::format("Marker {} could not be found.", *marker)));
      rows.erase(rows.begin(), it + 1);
    }
    if (limit && rows.size() > *limit) rows.resize(*limit);
  }

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("migrations");
  w.StartArray();
  for (const auto& r : rows) {
    w.StartObject();
    w.Key("id");
    w.Uint64(r.m.id);
    if (v.at_least(59)) field(w, "uuid", r.m.uuid);
    for (const char* key : {"source_compute", "dest_compute", "source_node", "dest_node"}) field(w, key, kHost);
    field(w, "dest_host", "127.0.0.1");
    field(w, "status", r.status);
    field(w, "instance_uuid", r.instance);
    for (const auto& [key, type] : {std::pair{"old_instance_type_id", r.old_type}, {"new_instance_type_id", r.new_type}}) {
      w.Key(key);
      if (type) w.Uint64(*type);
      else w.Null();
    }
    field(w, "created_at", iso8601(r.m.created_ms, true));
    if (r.m.closed.empty()) {
      w.Key("updated_at");
      w.Null();
    } else {
      field(w, "updated_at", iso8601(r.m.updated_ms, true));
    }
    if (v.at_least(23)) field(w, "migration_type", r.m.type);
    w.EndObject();
  }
  w.EndArray();
  if (v.at_least(59) && limit && !rows.empty() && rows.size() == *limit) {
    w.Key("migrations_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/os-migrations?limit={}&marker={}", call.base, *limit,
                                 rows.back().m.uuid));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
