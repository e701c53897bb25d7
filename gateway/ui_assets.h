// The dashboard's files (gateway/ui/), embedded in the binary at build time.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace gateway {

struct UiAsset {
  std::string_view name;          // "index.html"
  std::string_view content_type;
  const char* data;
  std::size_t size;
};

const std::vector<UiAsset>& ui_assets();

}  // namespace gateway
