#include "adapters/openstack/glance/images.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/ids.h"
#include "core/transitions.h"

namespace openstack {
namespace {

constexpr std::string_view kImageKind = "glance-image";

// What the store keeps of an image beside the image itself.
struct Extras {
  std::string shelved_server;
  std::string uploading_from;
  std::uint64_t upload_entry = 0;
};

// An image as the store keeps it: one JSON object.
std::string encode(const Image& i, const Extras& extras) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto str = [&](const char* key, std::string_view v) {
    w.Key(key);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("id", i.id);
  str("name", i.name);
  str("owner", i.owner);
  str("visibility", i.visibility);
  str("status", i.status);
  str("disk_format", i.disk_format);
  str("container_format", i.container_format);
  w.Key("min_ram");
  w.Int(i.min_ram);
  w.Key("min_disk");
  w.Int(i.min_disk);
  if (i.size) {
    w.Key("size");
    w.Int64(*i.size);
  }
  if (i.checksum) str("checksum", *i.checksum);
  if (i.os_hash) str("os_hash", *i.os_hash);
  w.Key("protected");
  w.Bool(i.protected_);
  w.Key("os_hidden");
  w.Bool(i.os_hidden);
  w.Key("members");
  w.StartArray();
  for (const auto& m : i.members) {
    w.StartObject();
    str("project", m.project);
    str("status", m.status);
    w.Key("created_ms");
    w.Int64(m.created_ms);
    w.Key("updated_ms");
    w.Int64(m.updated_ms);
    w.EndObject();
  }
  w.EndArray();
  w.Key("created_ms");
  w.Int64(i.created_ms);
  w.Key("updated_ms");
  w.Int64(i.updated_ms);
  w.Key("properties");
  w.StartObject();
  for (const auto& [k, v] : i.properties) str(k.c_str(), v);
  w.EndObject();
  w.Key("tags");
  w.StartArray();
  for (const auto& t : i.tags) w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  if (!extras.shelved_server.empty()) str("shelved_server", extras.shelved_server);
  if (!extras.uploading_from.empty()) {
    str("uploading_from", extras.uploading_from);
    w.Key("upload_entry");
    w.Uint64(extras.upload_entry);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A configured image a client deleted: {"id": ..., "removed": true}.
std::string tombstone(const std::string& id) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("id");
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("removed");
  w.Bool(true);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

bool is_tombstone(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  return !d.HasParseError() && d.IsObject() && d.HasMember("removed") && d["removed"].IsBool() && d["removed"].GetBool();
}

std::optional<std::pair<Image, Extras>> decode(std::string_view text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto str = [&](const char* key) {
    const auto it = d.FindMember(key);
    return it != d.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                       : std::string();
  };
  const auto num = [&](const char* key) -> std::optional<long long> {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
  };
  Image i;
  i.id = str("id");
  i.name = str("name");
  i.owner = str("owner");
  i.visibility = str("visibility");
  i.status = str("status");
  i.disk_format = str("disk_format");
  i.container_format = str("container_format");
  i.min_ram = static_cast<int>(num("min_ram").value_or(0));
  i.min_disk = static_cast<int>(num("min_disk").value_or(0));
  i.size = num("size");
  if (d.HasMember("checksum")) i.checksum = str("checksum");
  if (d.HasMember("os_hash")) i.os_hash = str("os_hash");
  i.protected_ = d.HasMember("protected") && d["protected"].IsBool() && d["protected"].GetBool();
  i.os_hidden = d.HasMember("os_hidden") && d["os_hidden"].IsBool() && d["os_hidden"].GetBool();
  if (d.HasMember("members") && d["members"].IsArray()) {
    for (const auto& m : d["members"].GetArray()) {
      if (!m.IsObject() || !m.HasMember("project") || !m["project"].IsString() || !m.HasMember("status") ||
          !m["status"].IsString())
        return std::nullopt;
      ImageMember member;
      member.project = m["project"].GetString();
      member.status = m["status"].GetString();
      if (member.status != "pending" && member.status != "accepted" && member.status != "rejected") return std::nullopt;
      if (m.HasMember("created_ms") && m["created_ms"].IsInt64()) member.created_ms = m["created_ms"].GetInt64();
      if (m.HasMember("updated_ms") && m["updated_ms"].IsInt64()) member.updated_ms = m["updated_ms"].GetInt64();
      i.members.push_back(std::move(member));
    }
  }
  i.created_ms = num("created_ms").value_or(0);
  i.updated_ms = num("updated_ms").value_or(0);
  if (d.HasMember("properties") && d["properties"].IsObject())
    for (const auto& m : d["properties"].GetObject())
      if (m.value.IsString()) i.properties.emplace_back(m.name.GetString(), m.value.GetString());
  if (d.HasMember("tags") && d["tags"].IsArray())
    for (const auto& t : d["tags"].GetArray())
      if (t.IsString()) i.tags.emplace_back(t.GetString());
  if (i.id.empty()) return std::nullopt;
  Extras extras{str("shelved_server"), str("uploading_from"), 0};
  if (const auto it = d.FindMember("upload_entry"); it != d.MemberEnd() && it->value.IsUint64())
    extras.upload_entry = it->value.GetUint64();
  return std::pair{std::move(i), std::move(extras)};
}

// The states a shelved server's snapshot is still needed in.
bool on_the_shelf(core::State s) {
  using enum core::State;
  return s == Shelving || s == Shelved || s == ShelvingOffloading || s == ShelvedOffloaded || s == Unshelving;
}

}  // namespace

ImageCatalog::ImageCatalog(core::Fleet& fleet, std::vector<Image> configured)
    : fleet_(fleet), configured_(std::move(configured)) {
  start_over();
  fleet_.add_keeper(*this);
}

void ImageCatalog::start_over() {
  images_.clear();
  removed_configured_.clear();
  for (auto& image : configured_) images_[image.id] = Kept{image, {}, {}, next_seq_++, false};
}

bool ImageCatalog::configured(std::string_view id) const {
  return std::any_of(configured_.begin(), configured_.end(), [&](const Image& i) { return i.id == id; });
}

bool ImageCatalog::owns(std::string_view kind) const { return kind == kImageKind; }

std::optional<std::string> ImageCatalog::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents) {
    const auto decoded = decode(d.value);
    if (!is_tombstone(d.value) && (!decoded || decoded->first.id != d.key))
      return "documents: image '" + d.key + "' cannot be read";
  }
  return std::nullopt;
}

void ImageCatalog::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  start_over();
  for (const auto& d : documents) {
    if (is_tombstone(d.value)) {
      if (images_.erase(d.key) && configured(d.key)) removed_configured_.insert(d.key);
      continue;
    }
    auto decoded = decode(d.value);
    if (!decoded) continue;
    // The id is taken first: the right side of `=` is evaluated (and the
    // image moved from) before the subscript.
    auto id = decoded->first.id;
    auto& extras = decoded->second;
    images_[std::move(id)] = Kept{std::move(decoded->first), std::move(extras.shelved_server),
                                  Upload{std::move(extras.uploading_from), extras.upload_entry}, next_seq_++, true};
  }
}

void ImageCatalog::reset() {
  std::lock_guard lock(mutex_);
  start_over();
}

std::vector<core::Document> ImageCatalog::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [id, kept] : images_)
    if (kept.written) out.push_back(document(kept));
  for (const auto& id : removed_configured_) {
    core::Document d;
    d.kind = kImageKind;
    d.key = id;
    d.value = tombstone(id);
    d.expires_ms = core::kNeverExpires;
    out.push_back(std::move(d));
  }
  return out;
}

bool ImageCatalog::visible(const Image& image, const ImageViewer& viewer) const {
  if (viewer.admin || image.visibility == "public" || image.visibility == "community") return true;
  if (!image.owner.empty() && image.owner == viewer.project) return true;
  // A shared image is seen by its members, whatever their membership's status (Glance's show).
  return image.visibility == "shared" &&
         std::any_of(image.members.begin(), image.members.end(),
                     [&](const ImageMember& m) { return m.project == viewer.project; });
}

void ImageCatalog::reconcile() {
  std::vector<std::pair<std::string, std::string>> shelved;  // image, server
  std::vector<std::pair<std::string, Upload>> uploading;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, kept] : images_) {
      if (!kept.shelved_server.empty()) shelved.emplace_back(id, kept.shelved_server);
      if (!kept.upload.server.empty()) uploading.emplace_back(id, kept.upload);
    }
  }
  const core::Caller cloud{0, true, true, true};
  for (const auto& [image, server] : shelved) {
    auto found = fleet_.get(cloud, server);
    if (found && on_the_shelf(found->state)) continue;
    (void)remove(image);  // best effort: a store that refuses it now is asked again on the next read
  }
  for (const auto& [image, upload] : uploading) {
    switch (upload_state(upload)) {
      case UploadState::Saving: break;
      case UploadState::Done: finish_upload(image); break;
      case UploadState::Failed: (void)remove(image); break;  // as Nova deletes a snapshot that failed
    }
  }
}

std::optional<Image> ImageCatalog::find(std::string_view id, const ImageViewer& viewer) {
  reconcile();
  std::lock_guard lock(mutex_);
  const auto it = images_.find(id);
  if (it == images_.end() || !visible(it->second.image, viewer)) return std::nullopt;
  return it->second.image;
}

std::vector<Image> ImageCatalog::list(const ImageViewer& viewer, std::string_view member_status) {
  reconcile();
  std::vector<const Kept*> found;
  std::lock_guard lock(mutex_);
  for (const auto& [id, kept] : images_) {
    const auto& image = kept.image;
    if (!visible(image, viewer)) continue;
    // Glance lists a shared image to a member only with the membership status asked for.
    const bool member_only = !viewer.admin && image.visibility == "shared" && image.owner != viewer.project;
    if (member_only && member_status != "all" &&
        std::none_of(image.members.begin(), image.members.end(), [&](const ImageMember& m) {
          return m.project == viewer.project && m.status == member_status;
        }))
      continue;
    found.push_back(&kept);
  }
  std::sort(found.begin(), found.end(), [](const Kept* a, const Kept* b) {
    return a->image.created_ms != b->image.created_ms ? a->image.created_ms > b->image.created_ms : a->seq > b->seq;
  });
  std::vector<Image> out;
  out.reserve(found.size());
  for (const auto* kept : found) out.push_back(kept->image);
  return out;
}

core::Document ImageCatalog::document(const Kept& kept) {
  core::Document d;
  d.kind = kImageKind;
  d.key = kept.image.id;
  d.value = encode(kept.image, Extras{kept.shelved_server, kept.upload.server, kept.upload.journal_id});
  d.expires_ms = core::kNeverExpires;
  return d;
}

core::Result<core::Done> ImageCatalog::keep(Kept& kept) {
  kept.written = true;
  return fleet_.keep({document(kept)});
}

core::Result<Image> ImageCatalog::create(Image image, std::string shelved_server, Upload upload) {
  const auto now = fleet_.clock().now_ms();
  if (image.id.empty()) image.id = core::request_uuid();
  if (!image.created_ms) image.created_ms = now;
  image.updated_ms = now;
  // Made from a server: saving, with no data yet, unless the upload is over already (an instant transition).
  if (!upload.server.empty()) {
    if (upload_state(upload) == UploadState::Saving) {
      image.status = "saving";
      image.size.reset();
      image.checksum.reset();
      image.os_hash.reset();
    } else {
      upload = {};
    }
  }
  Kept kept{image, std::move(shelved_server), std::move(upload), 0, true};
  std::lock_guard writing(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (images_.count(image.id)) return core::invalid_argument("id", "exists");
  }
  if (auto written = keep(kept); !written) return written.error();
  std::lock_guard lock(mutex_);
  kept.seq = next_seq_++;
  images_[image.id] = std::move(kept);
  return image;
}

core::Result<Image> ImageCatalog::save(Image image) {
  image.updated_ms = fleet_.clock().now_ms();
  Kept kept;
  std::lock_guard writing(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    auto it = images_.find(image.id);
    if (it == images_.end()) return core::not_found(image.id, core::Action::Update);
    kept = it->second;
  }
  kept.image = image;
  if (auto written = keep(kept); !written) return written.error();
  std::lock_guard lock(mutex_);
  images_[image.id] = std::move(kept);
  return image;
}

std::variant<Image, ImageCatalog::Refusal, core::Error> ImageCatalog::update(std::string_view id,
                                                                            const ImageViewer& viewer,
                                                                            const Edit& edit) {
  reconcile();
  std::lock_guard writing(write_mutex_);
  Kept kept;
  {
    std::lock_guard lock(mutex_);
    const auto it = images_.find(id);
    if (it == images_.end() || !visible(it->second.image, viewer)) return Refusal{404, {}};
    kept = it->second;
  }
  if (auto refused = edit(kept.image)) return *refused;
  kept.image.updated_ms = fleet_.clock().now_ms();
  if (auto written = keep(kept); !written) return written.error();
  std::lock_guard lock(mutex_);
  auto image = kept.image;
  images_[image.id] = std::move(kept);
  return image;
}

core::Result<core::Done> ImageCatalog::remove(const std::string& id) {
  std::lock_guard writing(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (!images_.count(id)) return core::not_found(id, core::Action::Delete);
  }
  // A configured image stays deleted across a restart: its tombstone is kept.
  core::Document gone = core::removal(std::string(kImageKind), id);
  if (configured(id)) {
    gone.removed = false;
    gone.value = tombstone(id);
    gone.expires_ms = core::kNeverExpires;
  }
  if (auto dropped = fleet_.keep({gone}); !dropped) return dropped.error();
  std::lock_guard lock(mutex_);
  images_.erase(id);
  if (configured(id)) removed_configured_.insert(id);
  return core::Done{};
}

}  // namespace openstack
