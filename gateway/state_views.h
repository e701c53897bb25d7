// Core values as the control plane and the page show them: a state in both
// vocabularies ("nova": {status, vm_state, task_state, power_state},
// "transfer": {state}) and a tenant ("tenant": {project, account, region}).
#pragma once

#include "core/state.h"
#include "core/tenants.h"
#include "gateway/json_writer.h"

namespace gateway {

// `from`: for an in-between state, the settled state its transition began in.
void write_state_views(JsonWriter& w, core::State state, std::optional<core::State> from = std::nullopt);
// "actions": the lifecycle actions the transition table allows from `state`
// ("stop", "reboot", "pause", ...): what the page offers.
void write_actions(JsonWriter& w, core::State state);
void write_tenant(JsonWriter& w, const core::TenantInfo& tenant);

}  // namespace gateway
