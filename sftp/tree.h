// A server's tree on disk (DATA_DIR/<transfer id>), reached the way a
// session reaches it: from a path relative to the tree (sftp::resolve's),
// never through a symlink (one put there from outside is refused, not
// followed). The sessions (session.cpp) and the control plane's view of a
// server's files (GET /_gateway/servers/{id}/files) both read it here.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sftp {

// The host path of `relative` ("" for the root, else "a/b") under `root`;
// nothing when a component on the way is a symlink.
std::optional<std::string> tree_path(const std::string& root, std::string_view relative);

struct Listing {
  int error = 0;  // 0, or errno: ENOENT, ENOTDIR, ELOOP (a symlink on the way), ...
  std::vector<std::pair<std::string, struct stat>> entries;  // by name; no symlinks, no "." or ".."
  bool truncated = false;                                    // more than the limit asked for
};

// The directory `relative` under `root`, at most `limit` entries (the first
// `limit` read, then sorted).
Listing list_directory(const std::string& root, std::string_view relative, std::size_t limit);

// The bytes the regular files under `root` hold (symlinks not followed; at
// most `max_entries` entries looked at): what a server's quota counts.
std::uint64_t tree_bytes(const std::string& root, std::size_t max_entries = 1000000);

}  // namespace sftp
