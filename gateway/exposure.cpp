#include "gateway/exposure.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/text.h"
#include "secret/secret.h"

namespace gateway {
namespace {

// 128 bits: as strong as a Keystone token's verifier.
constexpr std::size_t kGeneratedTokenBytes = 16;

std::string_view unbracketed(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

bool loopback_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto ip = ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr);
    return (ip >> 24) == 127;
  }
  if (address->sa_family == AF_INET6) {
    const auto& ip = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&ip)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&ip)) return ip.s6_addr[12] == 127;  // ::ffff:127.x.y.z
  }
  return false;
}

bool is_wildcard(std::string_view host) {
  host = unbracketed(host);
  return host == "0.0.0.0" || host == "::" || host.empty() || host == "*";
}

}  // namespace

bool is_loopback(std::string_view given) {
  const std::string host(unbracketed(given));
  if (core::iequals(host, "localhost")) return true;
  // A name is loopback only if every address it resolves to is (cpp-httplib
  // binds the first; we cannot know which the resolver puts first tomorrow).
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found) return false;
  bool all_loopback = true;
  for (auto* a = found; a; a = a->ai_next) all_loopback = all_loopback && loopback_address(a->ai_addr);
  freeaddrinfo(found);
  return all_loopback;
}

ControlAccess control_access(const Options& options) {
  if (options.control_token) return {options.control_token, false};
  if (options.control_open || is_loopback(options.host)) return {};
  return {secret::random_hex(kGeneratedTokenBytes), true};
}

std::string generated_token_notice(const std::string& token, const std::string& scheme, const std::string& host,
                                   int port) {
  std::string shown = host;
  if (is_wildcard(host)) {
    char name[256] = {};
    shown = gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
  } else if (host.find(':') != std::string::npos && host.front() != '[') {
    shown = "[" + host + "]";  // an IPv6 address in a URL
  }
  return fmt::format(
      "lifecycle-gateway: --listen {} is not loopback and no --control-token was given, so /_gateway and /metrics\n"
      "  require this token, generated for this run (shown once; --control-token none opens them instead):\n"
      "  control token: {}\n"
      "  dashboard: {}://{}:{}/_gateway/ui/?token={}\n",
      host, token, scheme, shown, port, token);
}

}  // namespace gateway
