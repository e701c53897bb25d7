// Documents: what the fleet keeps beside its servers for the services that
// need state of their own kept (Keystone's tokens, key pairs, images,
// networks and ports, Transfer users): each one value under (kind, key),
// opaque to the core and to the store, written in the fleet's commits (with
// a server's change when they change with it) and restored at start.
//
// A Keeper owns one or more kinds: it holds their documents in memory, in
// its own terms, and hands the fleet what to write. Keepers that change with
// servers (a server's ports, its users) stage documents for a create, an
// update or a delete, written in the same commit as the server.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace core {

struct ServerInfo;
struct CreateSpec;

// The expiry the keepers of lasting records (flavors, key pairs, images, ...)
// write: never forgotten, and never mistaken for the 0 of an unset field.
inline constexpr Millis kNeverExpires = std::numeric_limits<Millis>::max();

struct Document {
  std::string kind;   // the keeper's name for it ("keystone-token", "net-port", ...)
  std::string key;    // unique within its kind
  std::string value;  // the keeper's encoding (empty when removed)
  Millis expires_ms = 0;  // 0: kept until removed; else forgotten after this time
  bool removed = false;   // a write that removes (kind, key)
};

// A document that removes (kind, key).
inline Document removal(std::string kind, std::string key) {
  Document d;
  d.kind = std::move(kind);
  d.key = std::move(key);
  d.removed = true;
  return d;
}

// What a keeper stages for a server's create, update or delete, written with it.
struct Staged {
  std::vector<Document> documents;
  // Create only: the server cannot be given what it asked for (no address
  // left, say), and ends in error with this message, as a cloud's would.
  std::string fault;
  // Called once the commit is decided: true, the documents are kept (make
  // the staged change visible); false, they are not (undo a reservation).
  std::function<void(bool kept)> finish;
};

class Keeper {
 public:
  virtual ~Keeper() = default;

  // Whether documents of `kind` are this keeper's.
  virtual bool owns(std::string_view kind) const = 0;
  // Whether its documents travel in snapshots (secrets, such as tokens, do not).
  virtual bool in_snapshots() const { return true; }

  // Checks documents (of its kinds) a snapshot brings, before anything
  // changes: a message naming the first that cannot be read.
  virtual std::optional<std::string> verify(const std::vector<Document>& documents) const = 0;
  // Replaces what it holds with `documents` (its kinds only): what a store
  // kept, at start, or what a snapshot brings.
  virtual void load(const std::vector<Document>& documents) = 0;
  // Back to what it held at start (the control plane's reset).
  virtual void reset() = 0;
  // Everything it holds, to write a new store file or a snapshot.
  virtual std::vector<Document> documents() const = 0;

  // A server is being created (`spec` as asked) or deleted: what to write
  // with it. Called with the server's own lock held: a keeper must not call
  // back into the fleet from here.
  virtual Staged stage_create(const ServerInfo& server, const CreateSpec& spec, Millis now);
  virtual Staged stage_delete(const ServerInfo& server, Millis now);
  // A server's name, tags, metadata or attributes are being changed
  // (`before` as it is, `after` as it will be); same rules.
  virtual Staged stage_update(const ServerInfo& before, const ServerInfo& after, Millis now);
};

}  // namespace core
