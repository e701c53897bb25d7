// A server's migration records (Nova's migrations table, from its
// resizes): each begun by a resize and closed by its confirmation or its
// revert, kept in the server's attributes so that a record is written in
// the same commit as the action that makes or closes it. os-migrations
// lists them (migrations_api.cpp). A record's status while it is open
// follows the server: migrating while it resizes, finished once it awaits
// confirmation, confirming or reverting while those run, error when the
// resize failed.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/fleet.h"

namespace openstack {

inline constexpr std::string_view kMigrationsAttr = "nova.migrations";

struct Migration {
  std::uint64_t id = 0;  // Nova's integer id, unique in the gateway
  std::string uuid;      // shown from 2.59
  std::string type = "resize";
  std::string old_flavor;  // flavor ids
  std::string new_flavor;
  core::Millis created_ms = 0;
  core::Millis updated_ms = 0;
  std::string closed;  // "confirmed", "reverted"; empty while open
};

// The records a server carries, oldest first (none when unreadable).
std::vector<Migration> migrations_of(const core::ServerInfo& s);
// Adds an open record (a resize's edit).
void begin_migration(core::Editable& e, Migration m);
// Closes the server's open record, if any, as `status` at `now` (a confirm's or a revert's edit).
void close_migration(core::Editable& e, std::string_view status, core::Millis now);
// The status Nova would show for `m` of server `s` now.
std::string migration_status(const Migration& m, const core::ServerInfo& s);

// Migration ids: one more than the highest any server carries, counted
// once from the fleet, then handed out in order.
class MigrationIds {
 public:
  explicit MigrationIds(core::Fleet& fleet) : fleet_(fleet) {}
  // Call without a server's lock held (it may read the whole fleet).
  std::uint64_t next();

 private:
  core::Fleet& fleet_;
  std::once_flag counted_;
  std::atomic<std::uint64_t> next_{1};
};

}  // namespace openstack
