#include "adapters/nova/microversion.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace nova {
namespace {

std::variant<Version, Fault> parse(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(text.begin());
  if (text == "latest") return kMaxVersion;
  const auto dot = text.find('.');
  Version v;
  const bool ok = dot != std::string::npos && dot > 0 && dot + 1 < text.size() &&
                  std::from_chars(text.data(), text.data() + dot, v.major).ptr == text.data() + dot &&
                  std::from_chars(text.data() + dot + 1, text.data() + text.size(), v.minor).ptr ==
                      text.data() + text.size();
  if (!ok)
    return bad_request(
        fmt::format("API Version String {} is of invalid format. Must be of format MajorNum.MinorNum.", text));
  if (v.major != 2 || v.minor < kMinVersion.minor || v.minor > kMaxVersion.minor)
    return Fault{406, "computeFault",
                 fmt::format("Version {} is not supported by the API. Minimum is {} and maximum is {}.", text,
                             kMinVersion.text(), kMaxVersion.text()),
                 -1};
  return v;
}

}  // namespace

std::variant<Version, Fault> negotiate(const std::string& openstack_api_version, const std::string& nova_api_version) {
  // "compute 2.47" (possibly among other services, comma-separated).
  std::size_t pos = 0;
  while (pos < openstack_api_version.size()) {
    auto end = openstack_api_version.find(',', pos);
    if (end == std::string::npos) end = openstack_api_version.size();
    std::string item = openstack_api_version.substr(pos, end - pos);
    pos = end + 1;
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    if (item.rfind("compute ", 0) == 0) return parse(item.substr(8));
  }
  if (!nova_api_version.empty()) return parse(nova_api_version);
  return kMinVersion;
}

}  // namespace nova
