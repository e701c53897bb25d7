// os-aggregates as Nova serves it: CRUD, add and remove the host (there is
// one: gateway-host), set metadata; an availability zone is the metadata
// key availability_zone, and the host's zone is that of the aggregate it is
// in (zones_api.cpp, the servers' OS-EXT-AZ). Admins only. The view shows
// uuid from 2.41.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

void write_aggregate(Writer& w, const Aggregate& a, const Version& v, bool full) {
  w.StartObject();
  const auto zone = core::find_pair(a.metadata, "availability_zone");
  w.Key("availability_zone");
  if (zone) w.String(zone->data(), static_cast<rapidjson::SizeType>(zone->size()));
  else w.Null();
  field(w, "created_at", iso8601(a.created_ms, true));
  w.Key("deleted");
  w.Bool(false);
  w.Key("deleted_at");
  w.Null();
  if (full) {
    w.Key("hosts");
    w.StartArray();
    for (const auto& h : a.hosts) w.String(h.c_str(), static_cast<rapidjson::SizeType>(h.size()));
    w.EndArray();
  }
  w.Key("id");
  w.Int(a.id);
  if (full) {
    w.Key("metadata");
    w.StartObject();
    for (const auto& [k, val] : a.metadata) field(w, k.c_str(), val);
    w.EndObject();
  }
  field(w, "name", a.name);
  if (a.updated_ms) {
    field(w, "updated_at", iso8601(a.updated_ms, true));
  } else {
    w.Key("updated_at");
    w.Null();
  }
  if (v.at_least(41)) field(w, "uuid", a.uuid);
  w.EndObject();
}

void send_aggregate(httplib::Response& res, const Aggregate& a, const Version& v, bool full = true) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("aggregate");
  write_aggregate(w, a, v, full);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

// An aggregate id in a path: an integer (Nova's validate_integer), else its 400.
std::variant<int, Fault> aggregate_id(const std::string& text) {
  int n = 0;
  const auto* end = text.data() + text.size();
  if (text.empty() || std::from_chars(text.data(), end, n).ptr != end)
    return bad_request("Invalid input received: id must be an integer");
  return n;
}

Fault missing_aggregate(int id) { return not_found(fmt::format("Aggregate {} could not be found.", id)); }

}  // namespace

void Service::list_aggregates(const httplib::Request&, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-aggregates:index")) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("aggregates");
  w.StartArray();
  for (const auto& a : host.aggregates()) write_aggregate(w, a, call.version, true);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-aggregates:show")) return;
  const auto id = aggregate_id(req.matches[1].str());
  if (auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  const auto a = host.aggregate(std::get<int>(id));
  if (!a) return send_fault(res, call, missing_aggregate(std::get<int>(id)));
  send_aggregate(res, *a, call.version);
}

void Service::create_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_aggregate(req.body, false);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!allowed(res, call, "os_compute_api:os-aggregates:create")) return;
  auto& fields = std::get<AggregateFields>(parsed);
  std::optional<std::string> zone;
  if (fields.availability_zone && *fields.availability_zone && !(*fields.availability_zone)->empty())
    zone = **fields.availability_zone;
  call.entry->status = 200;
  auto made = host.create_aggregate(*fields.name, zone);
  if (!made) return send_fault(res, call, from_core(made.error()));
  send_aggregate(res, made.value(), call.version, false);  // as Nova's create: no hosts, no metadata
}

void Service::update_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_aggregate(req.body, true);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!allowed(res, call, "os_compute_api:os-aggregates:update")) return;
  const auto id = aggregate_id(req.matches[1].str());
  if (auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  const auto& fields = std::get<AggregateFields>(parsed);
  const bool busy = !host_usage().servers.empty();
  call.entry->status = 200;
  auto changed = host.change_aggregate(std::get<int>(id), [&](Aggregate& a) -> std::optional<core::Error> {
    if (fields.name) a.name = *fields.name;
    if (fields.availability_zone) {
      const auto& wanted = *fields.availability_zone;
      const auto current = core::find_pair(a.metadata, "availability_zone");
      const bool moves = (current.has_value() != wanted.has_value()) || (current && *current != *wanted);
      // Nova: a zone may not change under a host that has servers.
      if (moves && busy && !a.hosts.empty())
        return core::invalid_argument("availability_zone",
                                      fmt::format("Cannot update aggregate {}. Reason: One or more hosts contain "
                                                  "instances in this zone.",
                                                  a.id));
      std::erase_if(a.metadata, [](const auto& p) { return p.first == "availability_zone"; });
      if (wanted) a.metadata.emplace_back("availability_zone", *wanted);
    }
    return std::nullopt;
  });
  if (!changed) {
    if (changed.error().code == core::ErrorCode::NotFound) return send_fault(res, call, missing_aggregate(std::get<int>(id)));
    return send_fault(res, call, from_core(changed.error()));
  }
  send_aggregate(res, changed.value(), call.version);
}

void Service::delete_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-aggregates:delete")) return;
  const auto id = aggregate_id(req.matches[1].str());
  if (auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  call.entry->status = 200;
  auto removed = host.delete_aggregate(std::get<int>(id));
  if (!removed) {
    if (removed.error().code == core::ErrorCode::NotFound) return send_fault(res, call, missing_aggregate(std::get<int>(id)));
    if (removed.error().code == core::ErrorCode::Conflict) return send_fault(res, call, bad_request(removed.error().detail));
    return send_fault(res, call, from_core(removed.error()));
  }
  res.status = 200;
}

void Service::aggregate_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_aggregate_action(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& action = std::get<AggregateAction>(parsed);
  using Kind = AggregateAction::Kind;
  const std::string_view name = action.kind == Kind::AddHost      ? "add_host"
                                : action.kind == Kind::RemoveHost ? "remove_host"
                                                                  : "set_metadata";
  call.entry->operation = std::string(name);
  if (!allowed(res, call, fmt::format("os_compute_api:os-aggregates:{}", name))) return;
  const auto id = aggregate_id(req.matches[1].str());
  if (auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  const int n = std::get<int>(id);
  const bool known_host = action.host == kHost && host.service("nova-compute");
  const bool busy = action.kind == Kind::SetMetadata && !host_usage().servers.empty();
  // Other aggregates' zones for the host (an add may not put it in two zones).
  std::vector<std::string> other_zones;
  for (const auto& a : host.aggregates())
    if (a.id != n && std::find(a.hosts.begin(), a.hosts.end(), std::string(kHost)) != a.hosts.end())
      if (auto z = core::find_pair(a.metadata, "availability_zone")) other_zones.emplace_back(*z);
  std::optional<Fault> refused;
  call.entry->status = 200;
  auto changed = host.change_aggregate(n, [&](Aggregate& a) -> std::optional<core::Error> {
    const bool has = std::find(a.hosts.begin(), a.hosts.end(), action.host) != a.hosts.end();
    const auto zone = core::find_pair(a.metadata, "availability_zone");
    switch (action.kind) {
      case Kind::AddHost:
        if (!known_host) refused = not_found(fmt::format("Compute host {} could not be found.", action.host));
        else if (has)
          refused = Fault{409, "conflictingRequest",
                          fmt::format("Aggregate {} already has host {}.", a.id, action.host), -1};
        else if (zone && std::any_of(other_zones.begin(), other_zones.end(), [&](const auto& z) { return z != *zone; }))
          refused = Fault{409, "conflictingRequest",
                          fmt::format("Cannot add host to aggregate {}. Reason: One or more hosts already in "
                                      "availability zone(s) ['{}'].",
                                      a.id, other_zones.front()),
                          -1};
        else a.hosts.push_back(action.host);
        break;
      case Kind::RemoveHost:
        if (!has) refused = not_found(fmt::format("Cannot remove host {} in aggregate {}", action.host, a.id));
        else std::erase(a.hosts, action.host);
        break;
      case Kind::SetMetadata:
        for (const auto& [key, value] : action.metadata) {
          if (key == "availability_zone" && value && value->empty())
            refused = bad_request(fmt::format("Cannot update metadata of aggregate {}. Reason: Aggregate {} does "
                                              "not support empty named availability zone.",
                                              a.id, a.name));
          else if (key == "availability_zone" && busy && !a.hosts.empty() && (!zone || !value || *zone != *value))
            refused = bad_request(fmt::format("Cannot update metadata of aggregate {}. Reason: One or more hosts "
                                              "contain instances in this zone.",
                                              a.id));
          if (refused) break;
          std::erase_if(a.metadata, [&key = key](const auto& p) { return p.first == key; });
          if (value) a.metadata.emplace_back(key, *value);
        }
        break;
    }
    if (refused) return core::invalid_argument("aggregate", refused->message);
    return std::nullopt;
  });
  if (!changed && changed.error().code == core::ErrorCode::NotFound)
    return send_fault(res, call, missing_aggregate(n));
  if (refused) return send_fault(res, call, *refused);
  if (!changed) return send_fault(res, call, from_core(changed.error()));
  send_aggregate(res, changed.value(), call.version);
}

}  // namespace openstack
