// The image catalog Glance serves and Nova boots from: the configured
// images, and those clients create (Glance's POST, Nova's createImage,
// createBackup and shelve). Thread-safe; created images are kept with the
// durable state (as core credentials of kind "glance-image") and cleared by
// the control plane's reset. A shelved server's snapshot is deleted once the
// server is no longer shelved, whichever API unshelved or deleted it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/openstack/api.h"
#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

// Who is looking: an image is visible when public or community, when the
// project owns it, or to an admin.
struct ImageViewer {
  std::string project;
  bool admin = false;
};

// Property names Nova gives its snapshots and backups.
inline constexpr std::string_view kImageType = "image_type";
inline constexpr std::string_view kInstanceUuid = "instance_uuid";
inline constexpr std::string_view kBackupType = "backup_type";

class ImageCatalog final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of images.
  ImageCatalog(core::Fleet& fleet, std::vector<Image> configured);
  ImageCatalog(const ImageCatalog&) = delete;
  ImageCatalog& operator=(const ImageCatalog&) = delete;

  std::optional<Image> find(std::string_view id, const ImageViewer& viewer);
  // Every visible image, newest first (Glance's default order).
  std::vector<Image> list(const ImageViewer& viewer);

  // Adds an image (id and times set here unless given); written to the store
  // first. `shelved_server`: a shelve's snapshot of that server, deleted once
  // the server leaves the shelf.
  core::Result<Image> create(Image image, std::string shelved_server = {});
  // Replaces a kept image with `image` (same id).
  core::Result<Image> save(Image image);
  core::Result<core::Done> remove(const std::string& id);

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
    std::uint64_t seq = 0;       // creation order, to order images created in the same millisecond
    bool written = false;        // kept as a document (not only configured)
  };
  // The configured catalog alone. Called with mutex_ held (or before the catalog is shared).
  void start_over();
  static core::Document document(const Kept& kept);
  // Deletes the snapshots of servers no longer shelved. Called without mutex_ held.
  void reconcile();
  core::Result<core::Done> keep(Kept& kept);
  bool visible(const Image& image, const ImageViewer& viewer) const;

  core::Fleet& fleet_;
  mutable std::mutex mutex_;
  std::map<std::string, Kept, std::less<>> images_;
  std::uint64_t next_seq_ = 1;
  std::vector<Image> configured_;
};

}  // namespace openstack
