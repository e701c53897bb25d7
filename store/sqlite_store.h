// core::Store on one SQLite database file (WAL mode), for --state FILE.
// Nothing of SQLite crosses this header: the gateway sees a core::Store.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "core/store.h"

namespace store {

// SQLite's `synchronous` setting, and what it promises in WAL mode:
// Normal survives a crash of the process (every commit is in the OS before
// the answer); Full also survives a power loss (every commit is synced).
enum class Sync { Normal, Full };

class SqliteStore final : public core::Store {
 public:
  struct Opened;
  // Opens FILE, creating it if missing. An existing file that is not an
  // SQLite database, belongs to another program, has a newer schema or is
  // corrupt is refused with a message saying which and why, untouched.
  static std::variant<Opened, std::string> open(const std::string& path, Sync sync);
  ~SqliteStore() override;

  core::Result<core::Done> write(const std::vector<const core::Change*>& batch) override;
  core::Result<core::StoredState> load() override;
  core::Result<core::Done> replace(const core::StoredState& state) override;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct SqliteStore::Opened {
  std::unique_ptr<SqliteStore> store;
  bool created = false;  // the file is new (empty): seed it
};

}  // namespace store
