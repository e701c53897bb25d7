// The image catalog Glance serves and Nova boots from: the configured
// images, and those clients create (Glance's POST, Nova's createImage,
// createBackup and shelve), with their tags, properties and members.
// Thread-safe: changes are serialised and written before they are visible;
// images clients made or changed are kept with the durable state (as core
// documents of kind "glance-image"; a configured image deleted as a
// tombstone) and a reset returns to the configured catalog. A shelved
// server's snapshot is deleted once the server is no longer shelved,
// whichever API unshelved or deleted it. A server's snapshot or backup is
// saving while the server's createImage (createBackup) transition lasts,
// then active; deleted if that transition fails or the server goes first,
// as Nova deletes an image whose upload did not finish.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <variant>
#include <string>
#include <vector>

#include "adapters/openstack/api.h"
#include "adapters/openstack/glance/image_patch.h"
#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

// When the configured images "were made" (2024-01-01): their created_at and
// updated_at, in views and in time filters alike.
inline constexpr core::Millis kCatalogTime = 1704067200000;
inline core::Millis created_of(const Image& i) { return i.created_ms ? i.created_ms : kCatalogTime; }
inline core::Millis updated_of(const Image& i) { return i.updated_ms ? i.updated_ms : kCatalogTime; }

// Who is looking: an image is visible when public or community, when the
// project owns it or is one of its members, or to an admin.
struct ImageViewer {
  std::string project;
  bool admin = false;
};

// Property names Nova gives its snapshots and backups.
inline constexpr std::string_view kImageType = "image_type";
inline constexpr std::string_view kInstanceUuid = "instance_uuid";
inline constexpr std::string_view kBackupType = "backup_type";

// An image being made from a server: its server, and the journal entry
// of the call whose transition makes it (0: none; the server's state says).
struct ImageUpload {
  std::string server;
  std::uint64_t journal_id = 0;
};

class ImageCatalog final : public core::Keeper {
 public:
  // Why an edit refused (a status and Glance's message).
  using Refusal = GlanceRefusal;

  // Registers itself as the fleet's keeper of images.
  ImageCatalog(core::Fleet& fleet, std::vector<Image> configured);
  ImageCatalog(const ImageCatalog&) = delete;
  ImageCatalog& operator=(const ImageCatalog&) = delete;

  std::optional<Image> find(std::string_view id, const ImageViewer& viewer);
  // Every image the viewer may list, newest first (Glance's default order):
  // a shared image of which it is a member only when its membership's
  // status is `member_status` ("all": any).
  std::vector<Image> list(const ImageViewer& viewer, std::string_view member_status = "all");

  using Upload = ImageUpload;
  // Adds an image (id and times set here unless given); written to the store
  // first. `shelved_server`: a shelve's snapshot of that server, deleted once
  // the server leaves the shelf. `upload`: the image is saving (no size yet)
  // until the upload's transition settles.
  core::Result<Image> create(Image image, std::string shelved_server = {}, Upload upload = {});
  // Replaces a kept image with `image` (same id).
  core::Result<Image> save(Image image);
  core::Result<core::Done> remove(const std::string& id);

  // Changes one image atomically: `edit` runs on a copy of it (found
  // visible to `viewer`) under the catalog's writer lock and refuses, or
  // the copy is written, then made visible. A 404 refusal with no message
  // when the image is not found (or not visible); the store's error when it
  // cannot be written.
  using Edit = std::function<std::optional<Refusal>(Image&)>;
  std::variant<Image, Refusal, core::Error> update(std::string_view id, const ImageViewer& viewer, const Edit& edit);

  // The fleet clock's now, for times an edit stamps.
  core::Millis now() const { return fleet_.clock().now_ms(); }

  // core::Keeper: images clients made or changed are documents of kind
  // "glance-image"; a reset goes back to the configured catalog.
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;

 private:
  struct Kept {
    Image image;
    std::string shelved_server;  // a shelve's snapshot: the server it belongs to
    Upload upload;               // being made from a server (upload.server empty: not)
    std::uint64_t seq = 0;       // creation order, to order images created in the same millisecond
    bool written = false;        // kept as a document (not only configured)
  };
  // The configured catalog alone. Called with mutex_ held (or before the catalog is shared).
  void start_over();
  static core::Document document(const Kept& kept);
  // Deletes the snapshots of servers no longer shelved, and finishes the
  // uploads whose transition has settled. Called without mutex_ held.
  void reconcile();
  // How an upload stands: still saving, done (active), or failed (deleted).
  enum class UploadState { Saving, Done, Failed };
  UploadState upload_state(const Upload& upload);
  // Makes an uploaded image active (its size: its base image's). Called without mutex_ held.
  void finish_upload(const std::string& id);
  core::Result<core::Done> keep(Kept& kept);
  bool visible(const Image& image, const ImageViewer& viewer) const;
  bool configured(std::string_view id) const;

  core::Fleet& fleet_;
  std::mutex write_mutex_;  // one change at a time: decided, written, then visible
  mutable std::mutex mutex_;
  std::map<std::string, Kept, std::less<>> images_;
  std::uint64_t next_seq_ = 1;
  std::vector<Image> configured_;
  std::set<std::string, std::less<>> removed_configured_;  // configured images deleted since start or reset
};

}  // namespace openstack
