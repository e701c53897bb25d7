// Fleet::Record, shared by the fleet's source files (fleet*.cpp) and no one else.
#pragma once

#include <memory>
#include <mutex>

#include "core/fleet.h"

namespace core {

// One server. The mutex guards everything below it. The identities inside
// `data.info` are set before the record is indexed and never assigned again
// (the indexes key on views of them): changes are adopted field by field.
struct Fleet::Record : std::enable_shared_from_this<Fleet::Record> {
  mutable std::mutex mutex;
  ServerRecord data;
  bool gone = false;  // no longer in the fleet: deleted, cleared, or a create that was not kept
};

// Held by Fleet::replace and Fleet::take_elsewhere: another gateway's
// changes, read before a reset or snapshot here, must not land after it.
std::mutex& replace_mutex();

// Makes `from` the record's state: every field but the ones fixed at
// creation (identities, tenant, creation time, seq).
void adopt(ServerRecord& into, ServerRecord&& from);

}  // namespace core
