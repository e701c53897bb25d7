#include "adapters/openstack/nova/microversion.h"

#include <cctype>
#include <charconv>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

namespace openstack {
namespace {

std::variant<Version, Fault> parse(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(text.begin());
  if (text == "latest") return kMaxVersion;
  // Nova's format: ^([1-9]\d*)\.([1-9]\d*|0)$ (no signs, no leading zeros).
  const auto number = [](std::string_view digits, int& out) {
    if (digits.empty() || digits.size() > 6 || (digits.size() > 1 && digits.front() == '0')) return false;
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return r.ec == std::errc() && r.ptr == digits.data() + digits.size();
  };
  const auto dot = text.find('.');
  Version v;
  const bool ok = dot != std::string::npos && number(std::string_view(text).substr(0, dot), v.major) &&
                  number(std::string_view(text).substr(dot + 1), v.minor);
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

}  // namespace openstack
