// The paths an SFTP client sends (sftp/paths.h): normalised against a
// working directory and resolved through a user's view. Whatever the input,
// a normal path is absolute, has no ".", ".." or empty component and
// normalises to itself; what a view resolves to stays inside the server's
// tree (no ".." component, never absolute), inside the home for PATH and
// inside a mapping's target for LOGICAL.
// Input: lines. The first byte's low bit picks LOGICAL; line 1 is the home
// directory (PATH) or "entry=target;entry=target..." (LOGICAL); line 2 the
// working directory as a client made it; the rest is the path.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sftp/paths.h"

namespace {

void require(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(std::min<std::size_t>(text.size(), 400)), text.data());
  std::abort();
}

bool is_normal(std::string_view p) {
  if (p.empty() || p.front() != '/') return false;
  if (p == "/") return true;
  if (p.back() == '/') return false;
  std::size_t start = 1;
  while (start <= p.size()) {
    auto slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    const auto part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

bool under(std::string_view path, std::string_view prefix) {  // both relative ("" is the root)
  return prefix.empty() || path == prefix ||
         (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/');
}

std::string_view line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const auto out = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool logical = data[0] & 1;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto home_text = line(rest);
  const auto cwd_text = line(rest);
  const auto path_text = rest;

  core::Home home;
  if (logical) {
    home.type = core::HomeType::Logical;
    std::string_view pairs = home_text;
    while (!pairs.empty()) {
      const auto semi = pairs.find(';');
      const auto pair = pairs.substr(0, semi);
      pairs = semi == std::string_view::npos ? std::string_view() : pairs.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      home.mappings.push_back({std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1))});
    }
  } else {
    home.directory = std::string(home_text);
  }
  const auto view = sftp::make_view(home);
  require(is_normal(view.home), "a view's home is not normal", view.home);

  const auto cwd = sftp::normalize(view.home, cwd_text);
  const auto path = sftp::normalize(cwd.value_or(view.home), path_text);
  if (!path) return 0;
  require(is_normal(*path), "normalize gave a path that is not normal", *path);
  require(path->size() <= sftp::kMaxPath, "normalize gave a path over the bound", *path);
  require(sftp::normalize("/", *path) == path, "a normal path does not normalise to itself", *path);

  const auto where = sftp::resolve(view, *path);
  if (where.kind == sftp::Where::Kind::Real) {
    const auto& rel = where.relative;
    require(rel.empty() || is_normal("/" + rel), "a resolved path leaves the tree", rel);
    if (!view.logical) {
      require(under(rel, std::string_view(view.home).substr(1)), "a PATH user left their home", rel);
    } else {
      bool inside = false;
      for (const auto& m : view.mappings) inside = inside || under(rel, std::string_view(m.second).substr(1));
      require(inside, "a LOGICAL user left every mapping", rel);
    }
  } else if (where.kind == sftp::Where::Kind::Virtual) {
    for (const auto& name : sftp::virtual_children(view, *path))
      require(!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..",
              "a virtual directory lists a bad name", name);
  }
  return 0;
}
