// Where a path an SFTP client sends leads: normalised lexically (no ".",
// ".." or empty component survives, and ".." stops at the root), checked
// against the user's view (a PATH home, or LOGICAL mappings), and turned into
// a path relative to the server's tree on disk. Pure: no file system, no
// libssh (tests/fuzz/sftp_path_fuzzer.cpp calls it with anything).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/logins.h"

namespace sftp {

// The longest path a client may send (Linux's PATH_MAX): longer is refused.
inline constexpr std::size_t kMaxPath = 4096;

// `path` (absolute, or relative to `cwd`, itself absolute and normal) as an
// absolute normal path ("/" or "/a/b"); nothing when either is longer than
// kMaxPath or holds a NUL.
std::optional<std::string> normalize(std::string_view cwd, std::string_view path);

// What a user may see of their server's tree.
struct View {
  bool logical = false;
  std::string home;  // where the user starts: PATH, the home directory ("/" when none); LOGICAL, "/"
  // LOGICAL: (entry, target), both normal, longest entry first.
  std::vector<std::pair<std::string, std::string>> mappings;
};

// The view a user's home gives (a malformed directory or mapping is taken
// as normalised from the root, so it can never point outside the tree).
View make_view(const core::Home& home);

struct Where {
  enum class Kind { Refused, Real, Virtual };
  Kind kind = Kind::Refused;
  // Real: the path relative to the server's tree ("" for its root, else "a/b").
  std::string relative;
};

// Where the normal path `path` leads for a user with `view`: outside the
// home (PATH) or every mapping (LOGICAL): Refused; a LOGICAL directory that
// only holds mappings below it: Virtual.
Where resolve(const View& view, std::string_view path);

// A Virtual directory's entries: the next component of each mapping below it, sorted, once each.
std::vector<std::string> virtual_children(const View& view, std::string_view path);

}  // namespace sftp
