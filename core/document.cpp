#include "core/document.h"

namespace core {

// Most keepers have nothing to do with servers.
Staged Keeper::stage_create(const ServerInfo&, const CreateSpec&, Millis) { return {}; }
Staged Keeper::stage_delete(const ServerInfo&, Millis) { return {}; }
Staged Keeper::stage_update(const ServerInfo&, const ServerInfo&, Millis) { return {}; }

}  // namespace core
