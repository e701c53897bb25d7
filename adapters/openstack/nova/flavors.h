// Nova's flavors as they are now: the configured catalog, and what the
// flavor API changed (flavors created and deleted by admins, private
// flavors' access lists, extra specs, descriptions). A deleted flavor
// stays known to the servers made with it, as Nova keeps a copy in each
// instance. Kept as documents of kind "nova-flavor" (one per flavor that
// differs from the configured catalog), with --state and in snapshots; a
// reset returns to the configured catalog.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/openstack/shared/settings.h"
#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

// Who is looking: an admin sees every flavor; a project, the public ones
// and the private ones it was given access to.
struct FlavorViewer {
  std::string project;
  bool admin = false;
};

class FlavorCatalog final : public core::Keeper, public FlavorSource {
 public:
  // Registers itself as the fleet's keeper of flavors; `configured` is the
  // catalog every reset returns to.
  FlavorCatalog(core::Fleet& fleet, std::vector<Flavor> configured);
  FlavorCatalog(const FlavorCatalog&) = delete;
  FlavorCatalog& operator=(const FlavorCatalog&) = delete;

  // FlavorSource
  std::optional<Flavor> flavor(std::string_view id, bool deleted_too) const override;
  // A live flavor the viewer may see (Nova's 404 otherwise).
  std::optional<Flavor> visible(std::string_view id, const FlavorViewer& viewer) const;
  // Every live flavor, in id order.
  std::vector<Flavor> list() const;

  // A new flavor (its id made up when empty): Conflict with reason
  // "flavor_name" or "flavor_id" when either is taken by a live flavor.
  core::Result<Flavor> create(Flavor flavor);
  core::Result<core::Done> remove(const std::string& id);
  // Changes a live flavor (description, extra specs, access): NotFound when
  // there is none; `edit` may refuse with an error, and then nothing changes.
  core::Result<Flavor> change(const std::string& id,
                              const std::function<std::optional<core::Error>(Flavor&)>& edit);

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;

 private:
  // Writes `flavor`'s document and makes it the catalog's (mutex_ held).
  core::Result<core::Done> put(Flavor flavor);
  void start_over();  // the configured catalog (mutex_ held)

  core::Fleet& fleet_;
  const std::vector<Flavor> configured_;
  mutable std::mutex mutex_;
  std::map<std::string, Flavor, std::less<>> flavors_;  // by id: live and deleted
  std::uint64_t next_db_id_ = 1;
};

}  // namespace openstack
