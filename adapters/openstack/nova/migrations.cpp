#include "adapters/openstack/nova/migrations.h"

#include <algorithm>
#include <charconv>

#include "core/codec.h"

namespace openstack {
namespace {

std::optional<std::uint64_t> number(const std::string& text) {
  std::uint64_t n = 0;
  const auto* end = text.data() + text.size();
  if (text.empty() || std::from_chars(text.data(), end, n).ptr != end) return std::nullopt;
  return n;
}

std::string encode(const Migration& m) {
  return core::encode_list({std::to_string(m.id), m.uuid, m.type, m.old_flavor, m.new_flavor,
                            std::to_string(m.created_ms), std::to_string(m.updated_ms), m.closed});
}

std::vector<Migration> decode_all(std::string_view text) {
  std::vector<Migration> out;
  const auto records = core::decode_list(text);
  if (!records) return out;
  for (const auto& record : *records) {
    const auto f = core::decode_list(record);
    if (!f || f->size() != 8) continue;
    const auto id = number((*f)[0]), created = number((*f)[5]), updated = number((*f)[6]);
    if (!id || !created || !updated) continue;
    out.push_back(Migration{*id, (*f)[1], (*f)[2], (*f)[3], (*f)[4], static_cast<core::Millis>(*created),
                            static_cast<core::Millis>(*updated), (*f)[7]});
  }
  return out;
}

void store(core::Editable& e, const std::vector<Migration>& all) {
  std::vector<std::string> records;
  for (const auto& m : all) records.push_back(encode(m));
  core::set_pair(e.attributes, std::string(kMigrationsAttr), core::encode_list(records));
}

}  // namespace

std::vector<Migration> migrations_of(const core::ServerInfo& s) {
  const auto text = core::find_pair(s.attributes, kMigrationsAttr);
  return text ? decode_all(*text) : std::vector<Migration>{};
}

void begin_migration(core::Editable& e, Migration m) {
  auto all = decode_all(core::find_pair(e.attributes, kMigrationsAttr).value_or(""));
  // A server has at most one open migration: an older one still open was abandoned (a reset state).
  for (auto& old : all)
    if (old.closed.empty()) old.closed = "error";
  all.push_back(std::move(m));
  store(e, all);
}

void close_migration(core::Editable& e, std::string_view status, core::Millis now) {
  auto all = decode_all(core::find_pair(e.attributes, kMigrationsAttr).value_or(""));
  for (auto& m : all) {
    if (!m.closed.empty()) continue;
    m.closed = status;
    m.updated_ms = now;
  }
  store(e, all);
}

std::string migration_status(const Migration& m, const core::ServerInfo& s) {
  using core::State;
  // Closed when the confirm or revert was accepted; done once it settles.
  if (m.closed == "confirmed" && s.state == State::ConfirmingResize) return "confirming";
  if (m.closed == "reverted" && s.state == State::RevertingResize) return "reverting";
  if (!m.closed.empty()) return m.closed;
  switch (s.state) {
    case State::Resizing: return "migrating";
    case State::Resized:
    case State::ResizedStopped: return "finished";
    case State::ConfirmingResize: return "confirming";
    case State::RevertingResize: return "reverting";
    default: return "error";  // it left the resize states some other way (a failure, a reset)
  }
}

std::uint64_t MigrationIds::next() {
  std::call_once(counted_, [this] {
    std::uint64_t highest = 0;
    core::ListQuery query;  // every tenant
    for (;;) {
      const auto page = fleet_.list(query);
      for (const auto& s : page.servers)
        for (const auto& m : migrations_of(s)) highest = std::max(highest, m.id);
      if (!page.more || page.servers.empty()) break;
      query.after_seq = page.servers.back().seq;
    }
    next_.store(highest + 1);
  });
  return next_.fetch_add(1);
}

}  // namespace openstack
