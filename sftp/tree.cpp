#include "sftp/tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sftp {

std::optional<std::string> tree_path(const std::string& root, std::string_view relative) {
  std::string host = root;
  std::size_t start = 0;
  while (start < relative.size()) {
    auto slash = relative.find('/', start);
    if (slash == std::string_view::npos) slash = relative.size();
    host += '/';
    host.append(relative, start, slash - start);
    struct stat st{};
    if (::lstat(host.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return std::nullopt;
    start = slash + 1;
  }
  return host;
}

Listing list_directory(const std::string& root, std::string_view relative, std::size_t limit) {
  Listing out;
  const auto host = tree_path(root, relative);
  if (!host) {
    out.error = ELOOP;
    return out;
  }
  const int dfd = ::open(host->c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) {
    out.error = errno;
    return out;
  }
  DIR* dir = ::fdopendir(dfd);
  if (dir == nullptr) {
    out.error = errno;
    ::close(dfd);
    return out;
  }
  while (const dirent* d = ::readdir(dir)) {
    const std::string_view name = d->d_name;
    if (name == "." || name == "..") continue;
    if (out.entries.size() >= limit) {
      out.truncated = true;
      break;
    }
    struct stat st{};
    if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode)) continue;
    out.entries.emplace_back(std::string(name), st);
  }
  ::closedir(dir);
  std::sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

namespace {

void add_bytes(int dfd, std::uint64_t& bytes, std::size_t& budget, int depth) {
  DIR* dir = ::fdopendir(dfd);
  if (dir == nullptr) {
    ::close(dfd);
    return;
  }
  while (const dirent* d = ::readdir(dir)) {
    const std::string_view name = d->d_name;
    if (name == "." || name == "..") continue;
    if (budget == 0) break;
    --budget;
    struct stat st{};
    if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode)) {
      bytes += static_cast<std::uint64_t>(st.st_size);
    } else if (S_ISDIR(st.st_mode) && depth < 256) {
      const int child = ::openat(::dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0) add_bytes(child, bytes, budget, depth + 1);
    }
  }
  ::closedir(dir);
}

}  // namespace

std::uint64_t tree_bytes(const std::string& root, std::size_t max_entries) {
  std::uint64_t bytes = 0;
  const int dfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd >= 0) add_bytes(dfd, bytes, max_entries, 0);
  return bytes;
}

}  // namespace sftp
