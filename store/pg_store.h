// core::Store on a PostgreSQL database, for --state postgresql://... (or
// postgres://). Nothing of libpq crosses this header: the gateway sees a
// core::Store.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "core/store.h"

namespace store {

// Whether --state names a PostgreSQL database rather than a file.
bool is_postgres_url(const std::string& state);
// The URL as it may be shown: without its password.
std::string shown_url(const std::string& url);

class PgStore final : public core::Store {
 public:
  struct Opened;
  // Connects to `url` and reads the database whole. An empty database gets
  // our tables (under an advisory lock, so gateways starting together create
  // them once); one whose tables are another program's, of a newer schema,
  // or unreadable is refused with a message saying which, untouched.
  static std::variant<Opened, std::string> open(const std::string& url);
  ~PgStore() override;

  // One transaction per batch. A lost connection is made again at the next
  // call; meanwhile every write is refused (Unavailable).
  core::Result<core::Done> write(const std::vector<const core::Change*>& batch) override;
  core::Result<core::StoredState> load() override;
  core::Result<core::Done> replace(const core::StoredState& state) override;

  // Several gateways share the database: a change is written only over the
  // server versions it was computed on (the rows locked FOR UPDATE first),
  // ids come from the database, and every write sends a NOTIFY that the
  // other gateways' watchers (store/pg_listener.h) read.
  bool shared() const override { return true; }
  core::Result<std::uint64_t> reserve_journal_ids(std::size_t count, std::uint64_t at_least) override;
  core::Result<std::uint64_t> reserve_seq() override;
  core::Result<std::optional<core::ServerRecord>> load_server(std::uint64_t seq) override;
  core::Result<core::Elsewhere> find_server(std::string_view identity) override;
  std::uint64_t replaces() const override;
  core::Result<std::vector<core::Document>> load_documents(const std::vector<std::string>& kinds) override;
  void watch(std::function<void(core::Elsewhere)> changed) override;

 private:
  struct Impl;
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct PgStore::Opened {
  std::unique_ptr<PgStore> store;
  bool created = false;  // the database had no tables of ours: seed it
};

}  // namespace store
