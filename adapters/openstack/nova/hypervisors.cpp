// The one compute host as Nova's hypervisor list shows it (GET
// /os-hypervisors): what clients read to find a host name (tempest binds
// ports to it). Its details and usage are not served yet.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {

// The hypervisor's id: an integer before 2.53, a UUID from it (as Nova's).
std::string_view hypervisor_uuid() { return "d3a8f3ef-7bd3-4d11-9a57-0c2a0b7f6e01"; }

void Service::list_hypervisors(const httplib::Request&, httplib::Response& res, const Call& call) {
  if (!call.caller.admin)
    return send_fault(res, call, Fault{403, "forbidden",
                                       "Policy doesn't allow os_compute_api:os-hypervisors:list to be performed.", -1});
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisors");
  w.StartArray();
  w.StartObject();
  if (call.version.at_least(53)) {
    field(w, "id", hypervisor_uuid());
  } else {
    w.Key("id");
    w.Int(1);
  }
  field(w, "hypervisor_hostname", kHost);
  field(w, "state", "up");
  field(w, "status", "enabled");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
