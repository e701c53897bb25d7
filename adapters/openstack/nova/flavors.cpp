#include "adapters/openstack/nova/flavors.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/ids.h"

namespace openstack {
namespace {

constexpr std::string_view kFlavorKind = "nova-flavor";

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void text(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string encode(const Flavor& f) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  text(w, "id", f.id);
  text(w, "name", f.name);
  for (auto [key, value] : {std::pair<const char*, int>{"vcpus", f.vcpus}, {"ram", f.ram_mb}, {"disk", f.disk_gb},
                            {"ephemeral", f.ephemeral_gb}, {"swap", f.swap_mb}}) {
    w.Key(key);
    w.Int(value);
  }
  w.Key("rxtx_factor");
  w.Double(f.rxtx_factor);
  w.Key("is_public");
  w.Bool(f.is_public);
  w.Key("deleted");
  w.Bool(f.deleted);
  w.Key("db_id");
  w.Uint64(f.db_id);
  if (f.description) text(w, "description", *f.description);
  w.Key("extra_specs");
  w.StartArray();
  for (const auto& [k, v] : f.extra_specs) {
    w.StartArray();
    w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  w.EndArray();
  w.Key("projects");
  w.StartArray();
  for (const auto& p : f.projects) w.String(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<Flavor> decode(std::string_view value) {
  rapidjson::Document d;
  d.Parse(value.data(), value.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto string = [&](const char* key, std::string& out) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  const auto integer = [&](const char* key, int& out, int minimum) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsInt() || it->value.GetInt() < minimum) return false;
    out = it->value.GetInt();
    return true;
  };
  Flavor f;
  if (!string("id", f.id) || f.id.empty() || !string("name", f.name) || !integer("vcpus", f.vcpus, 1) ||
      !integer("ram", f.ram_mb, 1) || !integer("disk", f.disk_gb, 0) || !integer("ephemeral", f.ephemeral_gb, 0) ||
      !integer("swap", f.swap_mb, 0))
    return std::nullopt;
  const auto member = [&](const char* key) -> const rapidjson::Value* {
    const auto it = d.FindMember(key);
    return it == d.MemberEnd() ? nullptr : &it->value;
  };
  const auto* rxtx = member("rxtx_factor");
  const auto* is_public = member("is_public");
  const auto* deleted = member("deleted");
  const auto* db_id = member("db_id");
  const auto* specs = member("extra_specs");
  const auto* projects = member("projects");
  if (!rxtx || !rxtx->IsNumber() || !(rxtx->GetDouble() > 0) || !is_public || !is_public->IsBool() || !deleted ||
      !deleted->IsBool() || !db_id || !db_id->IsUint64() || !specs || !specs->IsArray() || !projects ||
      !projects->IsArray())
    return std::nullopt;
  f.rxtx_factor = rxtx->GetDouble();
  f.is_public = is_public->GetBool();
  f.deleted = deleted->GetBool();
  f.db_id = db_id->GetUint64();
  std::string description;
  if (member("description")) {
    if (!string("description", description)) return std::nullopt;
    f.description = description;
  }
  for (const auto& pair : specs->GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) return std::nullopt;
    f.extra_specs.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                               std::string(pair[1].GetString(), pair[1].GetStringLength()));
  }
  for (const auto& p : projects->GetArray()) {
    if (!p.IsString()) return std::nullopt;
    f.projects.emplace_back(p.GetString(), p.GetStringLength());
  }
  return f;
}

core::Document document(const Flavor& f) {
  core::Document d;
  d.kind = kFlavorKind;
  d.key = f.id;
  d.value = encode(f);
  d.expires_ms = core::kNeverExpires;
  return d;
}

bool may_see(const Flavor& f, const FlavorViewer& viewer) {
  return viewer.admin || f.is_public || std::find(f.projects.begin(), f.projects.end(), viewer.project) != f.projects.end();
}

}  // namespace

FlavorCatalog::FlavorCatalog(core::Fleet& fleet, std::vector<Flavor> configured)
    : fleet_(fleet), configured_(std::move(configured)) {
  std::lock_guard lock(mutex_);
  start_over();
  fleet_.add_keeper(*this);
}

void FlavorCatalog::start_over() {
  flavors_.clear();
  next_db_id_ = 1;
  for (auto f : configured_) {
    f.db_id = next_db_id_++;
    flavors_[f.id] = std::move(f);
  }
}

std::optional<Flavor> FlavorCatalog::flavor(std::string_view id, bool deleted_too) const {
  std::lock_guard lock(mutex_);
  const auto it = flavors_.find(id);
  if (it == flavors_.end() || (it->second.deleted && !deleted_too)) return std::nullopt;
  return it->second;
}

std::optional<Flavor> FlavorCatalog::visible(std::string_view id, const FlavorViewer& viewer) const {
  auto f = flavor(id, false);
  if (!f || !may_see(*f, viewer)) return std::nullopt;
  return f;
}

std::vector<Flavor> FlavorCatalog::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Flavor> out;
  for (const auto& [id, f] : flavors_)
    if (!f.deleted) out.push_back(f);
  return out;
}

core::Result<core::Done> FlavorCatalog::put(Flavor flavor) {
  if (auto kept = fleet_.keep({document(flavor)}); !kept) return kept.error();
  auto id = flavor.id;
  flavors_[std::move(id)] = std::move(flavor);
  return core::Done{};
}

core::Result<Flavor> FlavorCatalog::create(Flavor flavor) {
  std::lock_guard lock(mutex_);
  if (flavor.id.empty()) flavor.id = core::request_uuid();
  for (const auto& [id, f] : flavors_) {
    if (f.deleted) continue;
    if (f.name == flavor.name)
      return core::conflict("flavor_name", flavor.name, fmt::format("Flavor with name {} already exists.", flavor.name));
    if (id == flavor.id)
      return core::conflict("flavor_id", flavor.id, fmt::format("Flavor with ID {} already exists.", flavor.id));
  }
  flavor.deleted = false;
  flavor.db_id = next_db_id_;
  if (auto kept = put(flavor); !kept) return kept.error();
  ++next_db_id_;
  return flavor;
}

core::Result<core::Done> FlavorCatalog::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = flavors_.find(id);
  if (it == flavors_.end() || it->second.deleted) return core::missing("flavor", id);
  auto gone = it->second;
  gone.deleted = true;
  return put(std::move(gone));
}

core::Result<Flavor> FlavorCatalog::change(const std::string& id,
                                           const std::function<std::optional<core::Error>(Flavor&)>& edit) {
  std::lock_guard lock(mutex_);
  const auto it = flavors_.find(id);
  if (it == flavors_.end() || it->second.deleted) return core::missing("flavor", id);
  auto next = it->second;
  if (auto refused = edit(next)) return *refused;
  next.id = it->second.id;
  next.db_id = it->second.db_id;
  if (auto kept = put(next); !kept) return kept.error();
  return next;
}

bool FlavorCatalog::owns(std::string_view kind) const { return kind == kFlavorKind; }

std::optional<std::string> FlavorCatalog::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents) {
    const auto f = decode(d.value);
    if (!f || f->id != d.key) return fmt::format("documents: flavor '{}' cannot be read", d.key);
  }
  return std::nullopt;
}

void FlavorCatalog::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  start_over();
  for (const auto& d : documents) {
    auto f = decode(d.value);
    if (!f) continue;
    next_db_id_ = std::max(next_db_id_, f->db_id + 1);
    auto id = f->id;
    flavors_[std::move(id)] = std::move(*f);
  }
}

void FlavorCatalog::reset() {
  std::lock_guard lock(mutex_);
  start_over();
}

std::vector<core::Document> FlavorCatalog::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  // What differs from the configured catalog: every flavor the API made,
  // changed or deleted (a configured one unchanged is left out).
  for (const auto& entry : flavors_) {
    const auto& id = entry.first;
    const auto& f = entry.second;
    const auto base = std::find_if(configured_.begin(), configured_.end(), [&](const Flavor& c) { return c.id == id; });
    auto unnumbered = f;  // the configured flavor has no database id
    unnumbered.db_id = 0;
    if (base != configured_.end() && encode(*base) == encode(unnumbered)) continue;
    out.push_back(document(f));
  }
  return out;
}

}  // namespace openstack
