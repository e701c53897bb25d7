// The images made from a server (createImage, createBackup): how an upload
// stands, read from the server and the journal entry of the call whose
// transition makes it, and the image made active once it is done.
#include <optional>

#include "adapters/openstack/glance/images.h"

namespace openstack {

ImageCatalog::UploadState ImageCatalog::upload_state(const Upload& upload) {
  // The server first: reading it settles a transition whose time has come.
  const core::Caller cloud{0, true, true, true};
  const auto found = fleet_.get(cloud, upload.server);
  // Then the call's transition, once settled (the journal records it before the server shows it).
  std::optional<core::JournalEntry> entry;
  if (upload.journal_id) entry = fleet_.journal().find(upload.journal_id);
  if (entry && entry->settled_ms) return entry->transition_failed ? UploadState::Failed : UploadState::Done;
  // Under way, or no longer journaled: the server says. One that is gone took its upload with it.
  if (!found) return UploadState::Failed;
  const bool imaging = found->state == core::State::Snapshotting || found->state == core::State::BackingUp;
  if (imaging) return UploadState::Saving;
  // Not imaging, and its transition never settled: abandoned (an admin's reset). Else done.
  return entry ? UploadState::Failed : UploadState::Done;
}

void ImageCatalog::finish_upload(const std::string& id) {
  std::lock_guard writing(write_mutex_);
  Kept kept;
  {
    std::lock_guard lock(mutex_);
    const auto it = images_.find(id);
    if (it == images_.end() || it->second.upload.server.empty()) return;
    kept = it->second;
    // The snapshot is as big as what it was made from.
    const auto base = core::find_pair(kept.image.properties, "base_image_ref");
    const auto from = base ? images_.find(*base) : images_.end();
    kept.image.size = from != images_.end() && from->second.image.size ? from->second.image.size : Image{}.size;
  }
  kept.image.status = "active";
  kept.image.updated_ms = fleet_.clock().now_ms();
  kept.upload = {};
  if (!keep(kept)) return;  // best effort: asked again on the next read
  std::lock_guard lock(mutex_);
  images_[id] = std::move(kept);
}

}  // namespace openstack
