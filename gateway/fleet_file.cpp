#include "gateway/fleet_file.h"

#include <limits>
#include <map>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "core/text.h"
#include "core/transitions.h"

namespace gateway {
namespace {

using Value = rapidjson::Value;
constexpr long kMaxMillis = 1L << 52;  // past any date a server will have, and exact in a double

std::string at(std::size_t i) { return fmt::format("servers[{}]", i); }

void read_times(Reader& r, const Value& s, const std::string& path, core::ServerRecord& rec) {
  rec.info.created_ms = r.integer(s, "created_ms", path, 0, kMaxMillis).value_or(0);
  rec.info.updated_ms = r.integer(s, "updated_ms", path, 0, kMaxMillis).value_or(0);
  if (auto launched = r.integer(s, "launched_ms", path, 0, kMaxMillis)) rec.info.launched_ms = *launched;
  if (auto deleted = r.integer(s, "deleted_ms", path, 0, kMaxMillis)) rec.deleted_ms = *deleted;
  rec.info.clean_shutdown = r.boolean(s, "clean_shutdown", path).value_or(false);
  if (auto it = s.FindMember("billing"); it != s.MemberEnd() && !r.failed()) {
    const auto billing = path + ".billing";
    if (!r.object(it->value, billing, {"since_ms", "running_ms", "stopped_ms"})) return;
    rec.billed_since = r.integer(it->value, "since_ms", billing, 0, kMaxMillis).value_or(0);
    rec.running_ms = r.integer(it->value, "running_ms", billing, 0, kMaxMillis).value_or(0);
    rec.stopped_ms = r.integer(it->value, "stopped_ms", billing, 0, kMaxMillis).value_or(0);
  }
}

// "transition": {"action", "due_ms", "fails", "from"}: only for a state in
// between, or a soft-deleted server's reclaim ("action": "delete").
void read_transition(Reader& r, const Value& s, const std::string& path, core::ServerRecord& rec) {
  auto it = s.FindMember("transition");
  if (it == s.MemberEnd() || r.failed()) return;
  const auto where = path + ".transition";
  if (!r.object(it->value, where, {"action", "due_ms", "fails", "from"})) return;
  const auto action_text = r.string(it->value, "action", where, true).value_or("");
  const auto due = r.integer(it->value, "due_ms", where, 0, kMaxMillis);
  if (r.failed()) return;
  const auto action = core::parse_action(action_text);
  const auto state = rec.info.state;
  if (state == core::State::SoftDeleted && action == core::Action::Delete) {
    if (!due) return r.fail(where, "'due_ms' is required");
    rec.pending = core::PendingTransition{core::Action::Delete, state, state, false, *due, 0};
    return;
  }
  if (!core::settling(state))
    return r.fail(where, fmt::format("a server in state '{}' has no transition under way", core::name(state)));
  if (!action || core::task_under_way(state) != action)
    return r.fail(where + ".action",
                  fmt::format("'{}' is not the action under way in state '{}'", action_text, core::name(state)));
  if (!due) return r.fail(where, "'due_ms' is required");
  if (auto from = r.string(it->value, "from", where, false)) {
    rec.info.transition_from = core::parse_state(*from);
    if (!rec.info.transition_from || core::task_under_way(*rec.info.transition_from))
      return r.fail(where + ".from", fmt::format("'{}' is not a settled core state", *from));
  }
  const auto settles = core::settling(state, rec.info.transition_from);
  rec.pending = core::PendingTransition{*action, settles->to, settles->failed,
                                        r.boolean(it->value, "fails", where).value_or(false), *due, 0};
}

template <typename Writer>
void write_pairs(Writer& w, const char* key, const core::Pairs& pairs) {
  if (pairs.empty()) return;
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : pairs) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

}  // namespace

void read_fleet_servers(Reader& r, const Value& doc, std::vector<ServerSeed>& out) {
  auto it = doc.FindMember("servers");
  if (it == doc.MemberEnd() || !r.array(it->value, "servers")) return;
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& s = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at(i);
    if (!r.object(s, path, {"name", "project", "account", "region", "state", "id", "server_id", "locked",
                            "locked_reason", "tags", "metadata", "attributes", "created_ms", "updated_ms",
                            "launched_ms", "deleted_ms", "clean_shutdown", "billing", "transition", "fault"}))
      return;
    ServerSeed seed;
    auto& info = seed.record.info;
    seed.project = r.string(s, "project", path, false).value_or("");
    seed.account = r.string(s, "account", path, false).value_or("");
    seed.region = r.string(s, "region", path, false).value_or("us-east-1");
    if (!r.failed() && seed.project.empty() == seed.account.empty())
      r.fail(path, "give either 'project' or 'account' (with 'region')");
    info.name = r.string(s, "name", path, false).value_or("");
    const auto state = r.string(s, "state", path, false).value_or("running");
    if (auto parsed = core::parse_state(state)) info.state = *parsed;
    else if (!r.failed())
      r.fail(path + ".state", fmt::format("'{}' is not a core state (running, stopped, paused, suspended, "
                                          "shelved, shelved_offloaded, ...: see the README's state table)",
                                          state));
    info.uuid = core::ascii_lower(r.string(s, "id", path, false).value_or(""));
    if (!r.failed() && !info.uuid.empty() && !core::is_uuid(info.uuid))
      r.fail(path + ".id", fmt::format("'{}' is not a UUID", info.uuid));
    info.transfer_id = r.string(s, "server_id", path, false).value_or("");
    if (!r.failed() && !info.transfer_id.empty() && !core::is_transfer_id(info.transfer_id))
      r.fail(path + ".server_id", fmt::format("'{}' does not match ^s-([0-9a-f]{{17}})$", info.transfer_id));
    if (auto locked = r.string(s, "locked", path, false)) {
      if (*locked != "owner" && *locked != "admin")
        r.fail(path + ".locked", fmt::format("'{}' is not owner or admin", *locked));
      info.lock = {true, *locked == "admin" ? core::LockOwner::Admin : core::LockOwner::Owner,
                   r.string(s, "locked_reason", path, false).value_or("")};
    }
    info.tags = r.pairs(s, "tags", path);
    info.metadata = r.pairs(s, "metadata", path);
    info.attributes = r.pairs(s, "attributes", path);
    info.fault = r.string(s, "fault", path, false).value_or("");
    read_times(r, s, path, seed.record);
    read_transition(r, s, path, seed.record);
    if (r.failed()) return;
    out.push_back(std::move(seed));
  }
}

void read_fleet_documents(Reader& r, const Value& doc, std::optional<std::vector<core::Document>>& out) {
  auto it = doc.FindMember("documents");
  if (it == doc.MemberEnd() || !r.array(it->value, "documents")) return;
  out.emplace();
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& d = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = fmt::format("documents[{}]", i);
    if (!r.object(d, path, {"kind", "key", "value", "expires_ms"})) return;
    core::Document document;
    document.kind = r.string(d, "kind", path, true).value_or("");
    document.key = r.string(d, "key", path, true).value_or("");
    document.value = r.string(d, "value", path, true).value_or("");
    document.expires_ms = r.integer(d, "expires_ms", path, 0, std::numeric_limits<std::int64_t>::max()).value_or(0);
    if (r.failed()) return;
    out->push_back(std::move(document));
  }
}

std::optional<std::string> read_snapshot(std::string_view body, std::vector<ServerSeed>& out,
                                         std::optional<std::vector<core::Document>>* documents) {
  rapidjson::Document doc;
  if (auto error = parse_json_body(body, doc)) return error;
  Reader r;
  if (r.object(doc, "(body)", {"servers", "documents"})) {
    read_fleet_servers(r, doc, out);
    if (documents) read_fleet_documents(r, doc, *documents);
  }
  return r.error();
}

std::variant<std::vector<core::ServerRecord>, std::string> resolve_seeds(const std::vector<ServerSeed>& seeds,
                                                                         core::Tenants& tenants, core::IdSource& ids) {
  std::vector<core::ServerRecord> out;
  out.reserve(seeds.size());
  std::map<std::string, std::size_t, std::less<>> taken;  // identity -> the server that has it
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    for (const auto* id : {&seeds[i].record.info.uuid, &seeds[i].record.info.transfer_id}) {
      if (id->empty()) continue;
      if (auto [it, fresh] = taken.emplace(*id, i); !fresh)
        return fmt::format("{}: server {} is already servers[{}]", at(i), *id, it->second);
    }
  }
  for (const auto& seed : seeds) {
    auto record = seed.record;
    auto& info = record.info;
    info.tenant = seed.project.empty() ? tenants.for_account(seed.account, seed.region)
                                       : tenants.for_project(seed.project);
    while (info.uuid.empty()) {
      auto drawn = ids.next_uuid();
      if (taken.emplace(drawn, out.size()).second) info.uuid = std::move(drawn);
    }
    while (info.transfer_id.empty()) {
      auto drawn = ids.next_transfer_id();
      if (taken.emplace(drawn, out.size()).second) info.transfer_id = std::move(drawn);
    }
    if (info.name.empty()) info.name = info.transfer_id;
    out.push_back(std::move(record));
  }
  return out;
}

namespace {

template <typename Writer>
void write_servers(Writer& w, const std::vector<core::ServerRecord>& records, const core::Tenants& tenants,
                   const std::vector<core::Document>* documents) {
  const auto field = [&](const char* key, std::string_view value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  const auto number = [&](const char* key, std::int64_t value) {
    w.Key(key);
    w.Int64(value);
  };
  w.StartObject();
  w.Key("servers");
  w.StartArray();
  for (const auto& rec : records) {
    const auto& s = rec.info;
    const auto tenant = tenants.info(s.tenant);
    w.StartObject();
    field("name", s.name);
    if (!tenant.project.empty()) {
      field("project", tenant.project);
    } else {
      field("account", tenant.account);
      field("region", tenant.region);
    }
    field("state", core::name(s.state));
    field("id", s.uuid);
    field("server_id", s.transfer_id);
    if (s.lock.locked) {
      field("locked", core::name(s.lock.by));
      if (!s.lock.reason.empty()) field("locked_reason", s.lock.reason);
    }
    write_pairs(w, "tags", s.tags);
    write_pairs(w, "metadata", s.metadata);
    write_pairs(w, "attributes", s.attributes);
    if (!s.fault.empty()) field("fault", s.fault);
    number("created_ms", s.created_ms);
    number("updated_ms", s.updated_ms);
    if (s.launched_ms) number("launched_ms", *s.launched_ms);
    if (s.clean_shutdown) {
      w.Key("clean_shutdown");
      w.Bool(true);
    }
    w.Key("billing");
    w.StartObject();
    number("since_ms", rec.billed_since);
    number("running_ms", rec.running_ms);
    number("stopped_ms", rec.stopped_ms);
    w.EndObject();
    if (rec.pending) {
      w.Key("transition");
      w.StartObject();
      field("action", core::name(rec.pending->action));
      number("due_ms", rec.pending->due_ms);
      w.Key("fails");
      w.Bool(rec.pending->fail);
      if (s.transition_from) field("from", core::name(*s.transition_from));
      w.EndObject();
    }
    if (rec.deleted_ms) number("deleted_ms", *rec.deleted_ms);
    w.EndObject();
  }
  w.EndArray();
  if (documents) {
    w.Key("documents");
    w.StartArray();
    for (const auto& d : *documents) {
      w.StartObject();
      field("kind", d.kind);
      field("key", d.key);
      field("value", d.value);
      if (d.expires_ms) number("expires_ms", d.expires_ms);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string write_fleet_file(const std::vector<core::ServerRecord>& records, const core::Tenants& tenants,
                             Layout layout, const std::vector<core::Document>* documents) {
  rapidjson::StringBuffer buffer;
  if (layout == Layout::Compact) {
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    write_servers(w, records, tenants, documents);
  } else {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    write_servers(w, records, tenants, documents);
  }
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace gateway
