// Flavors and the compute discovery documents.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/nova/service.h"
#include "adapters/nova/views.h"

namespace nova {

void Service::list_flavors(const httplib::Request&, httplib::Response& res, const Call& call, bool detail) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavors");
  w.StartArray();
  for (const auto& f : settings.flavors) write_flavor(w, f, call.base, call.version, detail);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_flavor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto* flavor = find_flavor(settings, id);
  if (!flavor) return send_fault(res, not_found(fmt::format("Flavor {} could not be found.", id)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavor");
  write_flavor(w, *flavor, call.base, call.version, true);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_flavor_extra_specs(const httplib::Request& req, httplib::Response& res, const Call&) {
  const auto id = req.matches[1].str();
  if (!find_flavor(settings, id)) return send_fault(res, not_found(fmt::format("Flavor {} could not be found.", id)));
  send_json(res, 200, R"({"extra_specs": {}})");
}

}  // namespace nova
