// What every Transfer operation answers with: a JSON body written field by
// field, or a wire error. Shared by the operation files.
#pragma once

#include <string_view>

#include <rapidjson/stringbuffer.h>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/operations.h"
#include "adapters/transfer/views.h"

namespace transfer {

Reply fail(WireError e);
Reply fail(const core::Error& e, std::string_view operation);

// A body: `write` fills the object's members.
template <typename F>
Reply json(F&& write) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write(w);
  w.EndObject();
  return Reply{buffer.GetString(), false, std::nullopt};
}

}  // namespace transfer
