// os-agents as Nova served it until Victoria (XenAPI's guest agent builds):
// list (filtered by hypervisor), create, update, delete; admins only. The
// body is checked before the policy, as Nova's schema decorator does; an id
// in the path is an integer (Nova's validate_integer) or a 400.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

void write_agent(Writer& w, const GuestAgent& a) {
  w.StartObject();
  field(w, "hypervisor", a.hypervisor);
  field(w, "os", a.os);
  field(w, "architecture", a.architecture);
  field(w, "version", a.version);
  field(w, "md5hash", a.md5hash);
  w.Key("agent_id");
  w.Int(a.id);
  field(w, "url", a.url);
  w.EndObject();
}

// The path's id as Python's int() reads it (spaces around, a sign), or
// Nova's 400; `shown` is the number as Nova's messages print it.
struct AgentId {
  std::optional<int> id;  // nothing: no agent can have it (not positive, or too big)
  std::string shown;
};
std::variant<AgentId, Fault> agent_id(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto digits = text.substr(!text.empty() && text.front() == '-' ? 1 : 0);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad_request("Invalid input received: id must be an integer");
  long long n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  AgentId out;
  out.shown = std::string(text);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    out.shown = std::to_string(n);
    if (n >= 1 && n <= std::numeric_limits<int>::max()) out.id = static_cast<int>(n);
  }
  return out;
}

Fault missing_agent(std::string_view id) {
  return not_found(fmt::format("No agent-build associated with id {}.", id));
}

}  // namespace

void Service::list_agents(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-agents:list")) return;
  if (call.version.at_least(75))
    for (const auto& [key, value] : req.params)
      if (key != "hypervisor")
        return send_fault(res, call, bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. "
                                                             "Additional properties are not allowed ('{}' was "
                                                             "unexpected)",
                                                             key, value, key)));
  std::optional<std::string> hypervisor;
  if (req.has_param("hypervisor")) hypervisor = req.get_param_value("hypervisor");
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("agents");
  w.StartArray();
  for (const auto& a : agents.list(hypervisor)) write_agent(w, a);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_agent(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_agent_create(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!allowed(res, call, "os_compute_api:os-agents:create")) return;
  call.entry->status = 200;
  auto made = agents.create(std::get<GuestAgent>(std::move(parsed)));
  if (!made) return send_fault(res, call, from_core(made.error()));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("agent");
  write_agent(w, *made);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::update_agent(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_agent_update(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!allowed(res, call, "os_compute_api:os-agents:update")) return;
  const auto text = req.matches[1].str();
  const auto id = agent_id(text);
  if (const auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  const auto& [n, shown] = std::get<AgentId>(id);
  const auto& wanted = std::get<GuestAgent>(parsed);
  call.entry->status = 200;
  if (!n) return send_fault(res, call, missing_agent(shown));
  auto changed = agents.update(*n, wanted.version, wanted.url, wanted.md5hash);
  if (!changed) {
    if (changed.error().code == core::ErrorCode::NotFound) return send_fault(res, call, missing_agent(shown));
    return send_fault(res, call, from_core(changed.error()));
  }
  // Nova answers the id as the path gave it (a string), and only what changed.
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("agent");
  w.StartObject();
  field(w, "agent_id", text);
  field(w, "version", changed->version);
  field(w, "url", changed->url);
  field(w, "md5hash", changed->md5hash);
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::delete_agent(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-agents:delete")) return;
  const auto text = req.matches[1].str();
  const auto id = agent_id(text);
  if (const auto* fault = std::get_if<Fault>(&id)) return send_fault(res, call, *fault);
  const auto& [n, shown] = std::get<AgentId>(id);
  call.entry->status = 200;
  if (!n) return send_fault(res, call, missing_agent(shown));
  auto removed = agents.remove(*n);
  if (!removed) {
    if (removed.error().code == core::ErrorCode::NotFound) return send_fault(res, call, missing_agent(shown));
    return send_fault(res, call, from_core(removed.error()));
  }
  res.status = 200;
}

}  // namespace openstack
