// Nova's key pairs (os-keypairs): each belongs to a user, by name. Kept with
// the durable state and in snapshots (as core documents of kind
// "nova-keypair"), cleared by the control plane's reset. A generated key's private half is returned once
// and never kept.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

struct Keypair {
  std::string user;
  std::string name;
  std::string type = "ssh";  // ssh or x509
  std::string public_key;
  std::string fingerprint;
  core::Millis created_ms = 0;
  std::uint64_t id = 0;  // Nova's database id, shown by GET (a counter here)
};

class KeypairStore final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of key pairs.
  explicit KeypairStore(core::Fleet& fleet);
  KeypairStore(const KeypairStore&) = delete;
  KeypairStore& operator=(const KeypairStore&) = delete;

  std::optional<Keypair> find(const std::string& user, const std::string& name);
  std::vector<Keypair> list(const std::string& user);  // by name, as Nova orders them
  // Adds a key pair; an existing name is Nova's 409 (returned as InvalidState).
  core::Result<Keypair> add(Keypair keypair);
  core::Result<core::Done> remove(const std::string& user, const std::string& name);

  // core::Keeper: kept as documents of kind "nova-keypair"; a reset clears them.
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;

 private:
  core::Fleet& fleet_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Keypair> keypairs_;  // (user, name)
  std::uint64_t next_id_ = 1;
};

}  // namespace openstack
