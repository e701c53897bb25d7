// sftp/tree.h on a real directory: paths through a symlink are refused, a
// directory lists by name without its symlinks, and a tree's bytes are
// those of its regular files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "sftp/tree.h"

namespace {

struct Tree {
  std::filesystem::path root = std::filesystem::temp_directory_path() / ("sftp-tree-test-" + std::to_string(::getpid()));
  Tree() {
    std::filesystem::create_directories(root / "bucket" / "alice" / "reports");
    write("bucket/alice/b.txt", 300);
    write("bucket/alice/a.txt", 20);
    write("bucket/alice/reports/q1.csv", 4);
    std::filesystem::create_directory_symlink("/etc", root / "bucket" / "alice" / "etc");
    std::filesystem::create_symlink("/etc/passwd", root / "bucket" / "passwd");
  }
  ~Tree() { std::filesystem::remove_all(root); }
  void write(const std::string& name, std::size_t bytes) const { std::ofstream(root / name) << std::string(bytes, 'x'); }
};

}  // namespace

TEST_CASE("a path through a symlink is refused") {
  Tree t;
  CHECK(sftp::tree_path(t.root, "") == t.root.string());
  CHECK(sftp::tree_path(t.root, "bucket/alice/a.txt") == (t.root / "bucket/alice/a.txt").string());
  CHECK(sftp::tree_path(t.root, "bucket/missing/x") == (t.root / "bucket/missing/x").string());
  CHECK_FALSE(sftp::tree_path(t.root, "bucket/alice/etc").has_value());
  CHECK_FALSE(sftp::tree_path(t.root, "bucket/alice/etc/passwd").has_value());
  CHECK_FALSE(sftp::tree_path(t.root, "bucket/passwd").has_value());
}

TEST_CASE("a directory lists by name, without its symlinks, up to a limit") {
  Tree t;
  auto listing = sftp::list_directory(t.root, "bucket/alice", 100);
  REQUIRE(listing.error == 0);
  REQUIRE(listing.entries.size() == 3);
  CHECK(listing.entries[0].first == "a.txt");
  CHECK(listing.entries[0].second.st_size == 20);
  CHECK(listing.entries[1].first == "b.txt");
  CHECK(listing.entries[2].first == "reports");
  CHECK(S_ISDIR(listing.entries[2].second.st_mode));
  CHECK_FALSE(listing.truncated);
  CHECK(sftp::list_directory(t.root, "bucket/alice", 2).truncated);
  CHECK(sftp::list_directory(t.root, "bucket/alice", 2).entries.size() == 2);
  CHECK(sftp::list_directory(t.root, "bucket", 100).entries.size() == 1);  // alice; passwd is a symlink
  CHECK(sftp::list_directory(t.root, "bucket/alice/etc", 100).error == ELOOP);
  CHECK(sftp::list_directory(t.root, "bucket/alice/etc/ssh", 100).error == ELOOP);
  CHECK(sftp::list_directory(t.root, "bucket/nobody", 100).error == ENOENT);
  CHECK(sftp::list_directory(t.root, "bucket/alice/a.txt", 100).error == ENOTDIR);
}

TEST_CASE("a tree's bytes are its regular files', symlinks not followed") {
  Tree t;
  CHECK(sftp::tree_bytes(t.root.string()) == 324);
  CHECK(sftp::tree_bytes((t.root / "bucket" / "alice" / "reports").string()) == 4);
  CHECK(sftp::tree_bytes((t.root / "nothing").string()) == 0);
  CHECK(sftp::tree_bytes(t.root.string(), 3) < 324);  // a bounded count stops early
}
