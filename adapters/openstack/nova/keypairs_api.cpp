// os-keypairs: list, show, create (generated or imported) and delete a
// user's key pairs, with Nova's fields and codes per microversion (type
// from 2.2, with 201 and 204 for create and delete; another user's, for an
// admin, from 2.10; paging from 2.35).
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "secret/keypair.h"

namespace openstack {
namespace {

// Whose key pairs: the caller's, or (an admin, from 2.10) ?user_id=.
std::variant<std::string, Fault> owner(const httplib::Request& req, const Call& call, std::string_view policy) {
  const auto& self = call.identity->user;
  if (!call.version.at_least(10) || !req.has_param("user_id")) return self;
  const auto user = req.get_param_value("user_id");
  if (user != self && !call.caller.admin)
    return Fault{403, "forbidden", fmt::format("Policy doesn't allow os_compute_api:os-keypairs:{} to be performed.", policy), -1};
  return user;
}

void write_keypair_fields(Writer& w, const Keypair& k, const Version& v) {
  field(w, "name", k.name);
  field(w, "public_key", k.public_key);
  field(w, "fingerprint", k.fingerprint);
  if (v.at_least(2)) field(w, "type", k.type);
}

Fault not_found_for(const std::string& name, const std::string& user) {
  return not_found(fmt::format("Keypair {} not found for user {}", name, user));
}

}  // namespace

void Service::list_keypairs(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto user = owner(req, call, "index");
  if (auto* fault = std::get_if<Fault>(&user)) return send_fault(res, call, *fault);
  auto keys = keypairs.list(std::get<std::string>(user));
  std::size_t limit = keys.size();
  if (call.version.at_least(35)) {
    if (req.has_param("marker")) {
      const auto marker = req.get_param_value("marker");
      const auto it = std::find_if(keys.begin(), keys.end(), [&](const Keypair& k) { return k.name == marker; });
      if (it == keys.end()) return send_fault(res, call, bad_request(fmt::format("Marker {} could not be found.", marker)));
      keys.erase(keys.begin(), it + 1);
    }
    if (req.has_param("limit")) {
      const auto text = req.get_param_value("limit");
      if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return send_fault(res, call, bad_request(fmt::format(
            "Invalid input for query parameters limit. Value: {}. '{}' does not match '^[0-9]*$'", text, text)));
      limit = std::min<std::size_t>(std::stoul(text), 1000);
    }
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("keypairs");
  w.StartArray();
  std::size_t shown = 0;
  for (; shown < keys.size() && shown < limit; ++shown) {
    w.StartObject();
    w.Key("keypair");
    w.StartObject();
    write_keypair_fields(w, keys[shown], call.version);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  if (call.version.at_least(35) && shown > 0 && shown == limit && req.has_param("limit")) {
    w.Key("keypairs_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/os-keypairs?limit={}&marker={}", call.base, limit,
                                 httplib::detail::encode_query_param(keys[shown - 1].name)));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_keypair(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto user = owner(req, call, "show");
  if (auto* fault = std::get_if<Fault>(&user)) return send_fault(res, call, *fault);
  const auto name = req.matches[1].str();
  const auto found = keypairs.find(std::get<std::string>(user), name);
  if (!found) return send_fault(res, call, not_found_for(name, std::get<std::string>(user)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("keypair");
  w.StartObject();
  write_keypair_fields(w, *found, call.version);
  field(w, "user_id", found->user);
  field(w, "created_at", iso8601(found->created_ms, true));
  w.Key("deleted");
  w.Bool(false);
  w.Key("deleted_at");
  w.Null();
  w.Key("updated_at");
  w.Null();
  w.Key("id");
  w.Uint64(found->id);
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_keypair(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_keypair(req.body, call.version);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& request = std::get<KeypairRequest>(parsed);
  const auto user = request.user.value_or(call.identity->user);
  if (user != call.identity->user && !call.caller.admin)
    return send_fault(res, call, Fault{403, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.", -1});
  if (!call.caller.may_act)
    return send_fault(res, call, Fault{403, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.", -1});
  // Counted and added under the project's admission, so the quota holds.
  const auto admission = quotas.hold(call.identity->project);
  if (auto fault = keypairs_over(call, user)) return send_fault(res, call, *fault);

  Keypair keypair;
  keypair.user = user;
  keypair.name = request.name;
  keypair.type = request.type;
  std::optional<std::string> private_key;
  if (request.public_key) {
    const auto fingerprint = request.type == "x509" ? secret::x509_fingerprint(*request.public_key)
                                                    : secret::ssh_fingerprint(*request.public_key);
    if (!fingerprint)
      return send_fault(res, call, bad_request(request.type == "x509"
                                                   ? "Keypair data is invalid: failed to generate X509 fingerprint. "
                                                     "Error message: Unable to load certificate."
                                                   : "Keypair data is invalid: failed to generate fingerprint"));
    keypair.public_key = *request.public_key;
    keypair.fingerprint = *fingerprint;
  } else {
    if (keypairs.find(user, request.name))  // before the cost of a key
      return send_fault(res, call, Fault{409, "conflictingRequest",
                                         fmt::format("Key pair '{}' already exists.", request.name), -1});
    auto generated = request.type == "x509" ? secret::generate_x509_key_pair(user) : secret::generate_ssh_key_pair();
    keypair.public_key = std::move(generated.public_key);
    keypair.fingerprint = std::move(generated.fingerprint);
    private_key = std::move(generated.private_key);
  }
  auto added = keypairs.add(std::move(keypair));
  if (!added) {
    if (added.error().code == core::ErrorCode::InvalidState)
      return send_fault(res, call, Fault{409, "conflictingRequest",
                                         fmt::format("Key pair '{}' already exists.", request.name), -1});
    return send_fault(res, call, from_core(added.error()));
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("keypair");
  w.StartObject();
  write_keypair_fields(w, *added, call.version);
  field(w, "user_id", added->user);
  if (private_key) field(w, "private_key", *private_key);
  w.EndObject();
  w.EndObject();
  const int status = call.version.at_least(2) ? 201 : 200;
  call.entry->status = status;
  send_json(res, status, buffer.GetString());
}

void Service::delete_keypair(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto user = owner(req, call, "delete");
  if (auto* fault = std::get_if<Fault>(&user)) return send_fault(res, call, *fault);
  const auto name = req.matches[1].str();
  if (!call.caller.may_act)
    return send_fault(res, call, Fault{403, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:delete to be performed.", -1});
  auto removed = keypairs.remove(std::get<std::string>(user), name);
  if (!removed) {
    if (removed.error().code == core::ErrorCode::NotFound)
      return send_fault(res, call, not_found_for(name, std::get<std::string>(user)));
    return send_fault(res, call, from_core(removed.error()));
  }
  res.status = call.version.at_least(2) ? 204 : 202;
  call.entry->status = res.status;
}

}  // namespace openstack
