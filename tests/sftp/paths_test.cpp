// sftp/paths.h: what a client's path normalises to, and where it leads for
// PATH and LOGICAL users (the fuzz target checks the same invariants on
// anything; these are the cases a reader can check by eye).
#include <doctest/doctest.h>

#include "sftp/paths.h"

using sftp::normalize;
using sftp::resolve;
using sftp::Where;

TEST_CASE("normalize: relative to the working directory, dots and slashes folded, .. stops at the root") {
  CHECK(normalize("/bucket/alice", "") == "/bucket/alice");
  CHECK(normalize("/bucket/alice", ".") == "/bucket/alice");
  CHECK(normalize("/bucket/alice", "a//b/./c/") == "/bucket/alice/a/b/c");
  CHECK(normalize("/bucket/alice", "../bob") == "/bucket/bob");
  CHECK(normalize("/bucket/alice", "/x") == "/x");
  CHECK(normalize("/", "../../..") == "/");
  CHECK(normalize("/a", "/../../etc/passwd") == "/etc/passwd");
  CHECK_FALSE(normalize("/", std::string(sftp::kMaxPath + 1, 'a')).has_value());
  CHECK_FALSE(normalize("/", std::string("a\0b", 3)).has_value());
}

TEST_CASE("a PATH user sees real paths inside the home and nothing beside or above it") {
  core::Home home;
  home.directory = "/bucket/alice/";
  const auto view = sftp::make_view(home);
  CHECK(view.home == "/bucket/alice");
  CHECK(resolve(view, "/bucket/alice").kind == Where::Kind::Real);
  CHECK(resolve(view, "/bucket/alice/x/y").relative == "bucket/alice/x/y");
  CHECK(resolve(view, "/bucket/alicex").kind == Where::Kind::Refused);
  CHECK(resolve(view, "/bucket").kind == Where::Kind::Refused);
  CHECK(resolve(view, "/").kind == Where::Kind::Refused);

  core::Home root;  // no home directory: the server's whole tree
  CHECK(resolve(sftp::make_view(root), "/").relative.empty());
  CHECK(resolve(sftp::make_view(root), "/a").relative == "a");
}

TEST_CASE("a LOGICAL user's mappings are their whole view") {
  core::Home home;
  home.type = core::HomeType::Logical;
  home.mappings = {{"/in", "/bucket/carol/incoming"}, {"/in/deep", "/bucket/other"}, {"/shared/team", "/bucket/team/"}};
  const auto view = sftp::make_view(home);
  CHECK(resolve(view, "/in").relative == "bucket/carol/incoming");
  CHECK(resolve(view, "/in/a.txt").relative == "bucket/carol/incoming/a.txt");
  CHECK(resolve(view, "/in/deep/x").relative == "bucket/other/x");  // the longest entry wins
  CHECK(resolve(view, "/").kind == Where::Kind::Virtual);
  CHECK(resolve(view, "/shared").kind == Where::Kind::Virtual);
  CHECK(resolve(view, "/other").kind == Where::Kind::Refused);
  CHECK(resolve(view, "/inx").kind == Where::Kind::Refused);
  CHECK(sftp::virtual_children(view, "/") == std::vector<std::string>{"in", "shared"});
  CHECK(sftp::virtual_children(view, "/shared") == std::vector<std::string>{"team"});

  core::Home chroot;
  chroot.type = core::HomeType::Logical;
  chroot.mappings = {{"/", "/bucket/dave"}};
  CHECK(resolve(sftp::make_view(chroot), "/").relative == "bucket/dave");
  CHECK(resolve(sftp::make_view(chroot), "/f").relative == "bucket/dave/f");
}
