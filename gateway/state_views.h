// A core state in both vocabularies, for the control plane and the page:
//   "nova": {"status", "vm_state", "task_state", "power_state"}, "transfer": {"state"}
#pragma once

#include "core/state.h"
#include "gateway/json_writer.h"

namespace gateway {

void write_state_views(JsonWriter& w, core::State state);

}  // namespace gateway
