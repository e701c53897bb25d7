// Nova's key pairs (os-keypairs): each belongs to a user, by name. Kept with
// the durable state (as core credentials of kind "nova-keypair"), cleared by
// the control plane's reset. A generated key's private half is returned once
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

class KeypairStore {
 public:
  explicit KeypairStore(core::Fleet& fleet);
  ~KeypairStore();
  KeypairStore(const KeypairStore&) = delete;
  KeypairStore& operator=(const KeypairStore&) = delete;

  std::optional<Keypair> find(const std::string& user, const std::string& name);
  std::vector<Keypair> list(const std::string& user);  // by name, as Nova orders them
  // Adds a key pair; an existing name is Nova's 409 (returned as InvalidState).
  core::Result<Keypair> add(Keypair keypair);
  core::Result<core::Done> remove(const std::string& user, const std::string& name);
  void restore(const std::vector<core::Credential>& credentials);

 private:
  core::Fleet& fleet_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Keypair> keypairs_;  // (user, name)
  std::uint64_t next_id_ = 1;
  core::EventBus::Token reset_token_ = 0;
};

}  // namespace openstack
