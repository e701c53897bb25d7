#include "gateway/state_views.h"

#include "adapters/openstack/api.h"
#include "adapters/transfer/api.h"
#include "core/transitions.h"

namespace gateway {

void write_state_views(JsonWriter& w, core::State state, std::optional<core::State> from) {
  const auto nova = openstack::status_view(state, from);
  w.Key("nova");
  w.StartObject();
  write_field(w, "status", nova.status);
  write_field(w, "vm_state", nova.vm_state);
  w.Key("task_state");
  if (nova.task_state.empty()) w.Null();
  else write_string(w, nova.task_state);
  w.Key("power_state");
  w.Int(nova.power_state);
  w.EndObject();
  w.Key("transfer");
  w.StartObject();
  write_field(w, "state", transfer::state_name(state, from));
  w.EndObject();
}

void write_actions(JsonWriter& w, core::State state) {
  w.Key("actions");
  w.StartArray();
  for (int a = 0; a < core::kActionCount; ++a) {
    const auto action = static_cast<core::Action>(a);
    const auto t = core::transition(action, state);
    if (t.allowed && t.via && action != core::Action::Create) write_string(w, core::name(action));
  }
  w.EndArray();
}

void write_tenant(JsonWriter& w, const core::TenantInfo& tenant) {
  w.Key("tenant");
  w.StartObject();
  write_field(w, "project", tenant.project);
  write_field(w, "account", tenant.account);
  write_field(w, "region", tenant.region);
  w.EndObject();
}

}  // namespace gateway
