#include "sftp/paths.h"

#include <algorithm>

namespace sftp {
namespace {

// `prefix` is `path` or one of its ancestors (both normal).
bool within(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string relative_of(std::string_view normal) { return std::string(normal.substr(1)); }

}  // namespace

std::optional<std::string> normalize(std::string_view cwd, std::string_view path) {
  if (cwd.size() > kMaxPath || path.size() > kMaxPath) return std::nullopt;
  if (cwd.find('\0') != std::string_view::npos || path.find('\0') != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> parts;
  const auto walk = [&parts](std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      auto slash = text.find('/', start);
      if (slash == std::string_view::npos) slash = text.size();
      const auto part = text.substr(start, slash - start);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      start = slash + 1;
    }
  };
  if (path.empty() || path.front() != '/') walk(cwd);
  walk(path);
  std::string out;
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  if (out.empty()) out = "/";
  if (out.size() > kMaxPath) return std::nullopt;
  return out;
}

View make_view(const core::Home& home) {
  View view;
  if (home.type == core::HomeType::Path) {
    view.home = normalize("/", home.directory).value_or("/");
    return view;
  }
  view.logical = true;
  view.home = "/";
  for (const auto& m : home.mappings) {
    auto entry = normalize("/", m.entry);
    auto target = normalize("/", m.target);
    if (entry && target) view.mappings.emplace_back(std::move(*entry), std::move(*target));
  }
  std::stable_sort(view.mappings.begin(), view.mappings.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return view;
}

Where resolve(const View& view, std::string_view path) {
  if (!view.logical) {
    if (!within(path, view.home)) return {};
    return {Where::Kind::Real, relative_of(path)};
  }
  for (const auto& m : view.mappings) {
    const auto& entry = m.first;
    if (!within(path, entry)) continue;
    // What lies below the entry: "" or "/x/y".
    const auto rest = entry == "/" ? (path == "/" ? std::string_view() : path) : path.substr(entry.size());
    std::string target = m.second == "/" ? std::string() : m.second;
    target += rest;
    return {Where::Kind::Real, target.empty() ? std::string() : relative_of(target)};
  }
  for (const auto& m : view.mappings)
    if (within(m.first, path)) return {Where::Kind::Virtual, {}};
  return {};
}

std::vector<std::string> virtual_children(const View& view, std::string_view path) {
  std::vector<std::string> names;
  if (!view.logical) return names;
  for (const auto& m : view.mappings) {
    const auto& entry = m.first;
    if (entry == path || !within(entry, path)) continue;
    const auto rest = std::string_view(entry).substr(path == "/" ? 1 : path.size() + 1);
    names.emplace_back(rest.substr(0, rest.find('/')));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace sftp
