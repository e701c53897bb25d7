// os-agents' bodies (schemas/agents.py, until Victoria): jsonschema's order
// (the properties' values in the schema's order, then what is required,
// then what is not allowed) and its words.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/json_fields.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack {
namespace {

using namespace fields;

enum class Format { Name, Uri, Hex };

struct Property {
  const char* key;
  Format format;
  std::string GuestAgent::*field;
};

constexpr std::array<Property, 6> kCreate = {{{"hypervisor", Format::Name, &GuestAgent::hypervisor},
                                              {"os", Format::Name, &GuestAgent::os},
                                              {"architecture", Format::Name, &GuestAgent::architecture},
                                              {"version", Format::Name, &GuestAgent::version},
                                              {"url", Format::Uri, &GuestAgent::url},
                                              {"md5hash", Format::Hex, &GuestAgent::md5hash}}};
constexpr std::array<Property, 3> kUpdate = {{{"version", Format::Name, &GuestAgent::version},
                                              {"url", Format::Uri, &GuestAgent::url},
                                              {"md5hash", Format::Hex, &GuestAgent::md5hash}}};

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool sub_delim(char c) { return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos; }

// Every character of `text` is unreserved, a sub-delim, one of `extra`, or a %HH escape.
bool made_of(std::string_view text, std::string_view extra) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
        return false;
      i += 2;
    } else if (!unreserved(c) && !sub_delim(c) && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// The authority's host and port, as rfc3986 splits and checks them.
bool valid_authority(std::string_view authority) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (!made_of(authority.substr(0, at), ":")) return false;
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
    if (!made_of(host.substr(1, host.size() - 2), ":")) return false;
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (!made_of(host, "")) return false;
  }
  if (host.empty()) return false;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int number = 0;
  if (!port.empty()) std::from_chars(port.data(), port.data() + port.size(), number);
  return number <= 65535;
}

// One property of the body: a string of at most 255 characters of its format.
std::optional<Fault> read_property(const Value& object, const Property& p, GuestAgent& out) {
  if (!object.HasMember(p.key)) return std::nullopt;
  const auto& v = object[p.key];
  if (!v.IsString()) return invalid(p.key, v, "is not of type 'string'");
  const auto text = text_of(v);
  if (characters(text) > 255) return invalid(p.key, v, "is too long");
  switch (p.format) {
    case Format::Name:
      if (!std::all_of(text.begin(), text.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == ' ';
          }))
        return invalid(p.key, v, fmt::format("'{}' does not match '^[a-zA-Z0-9-._ ]*$'", text));
      break;
    case Format::Hex:
      if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        return invalid(p.key, v, fmt::format("'{}' does not match '^[a-fA-F0-9]*$'", text));
      break;
    case Format::Uri:
      if (!absolute_uri(text)) return invalid(p.key, v, "is not a 'uri'");
      break;
  }
  out.*p.field = kept(v);
  return std::nullopt;
}

template <std::size_t N>
std::variant<GuestAgent, Fault> parse(std::string_view body, const char* wrapper, const std::array<Property, N>& props) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  if (!doc.HasMember(wrapper)) return bad_request(fmt::format("'{}' is a required property", wrapper));
  GuestAgent agent;
  const auto& inner = doc[wrapper];
  if (!inner.IsObject()) return invalid(wrapper, inner, "is not of type 'object'");
  for (const auto& p : props)
    if (auto fault = read_property(inner, p, agent)) return *fault;
  for (const auto& p : props)
    if (!inner.HasMember(p.key)) return invalid(wrapper, inner, fmt::format("'{}' is a required property", p.key));
  for (const auto& m : inner.GetObject())
    if (std::none_of(props.begin(), props.end(), [&](const Property& p) { return text_of(m.name) == p.key; }))
      return unexpected(wrapper, inner, text_of(m.name));
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != wrapper)
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  return agent;
}

}  // namespace

bool absolute_uri(std::string_view text) {
  // RFC 3986's split: scheme ":" ["//" authority] path ["?" query] ["#" fragment].
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || text.substr(0, colon).find_first_of("/?#") != std::string_view::npos)
    return false;
  const auto scheme = text.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(scheme.front())) ||
      !std::all_of(scheme.begin(), scheme.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; }))
    return false;
  auto rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return false;  // a host is required
  rest.remove_prefix(2);
  const auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  if (!valid_authority(rest.substr(0, authority_end))) return false;
  rest.remove_prefix(authority_end);
  std::string_view fragment;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  std::string_view query;
  if (const auto mark = rest.find('?'); mark != std::string_view::npos) {
    query = rest.substr(mark + 1);
    rest = rest.substr(0, mark);
  }
  return made_of(rest, ":@/") && made_of(query, ":@/?") && made_of(fragment, ":@/?");
}

std::variant<GuestAgent, Fault> parse_agent_create(std::string_view body) { return parse(body, "agent", kCreate); }

std::variant<GuestAgent, Fault> parse_agent_update(std::string_view body) { return parse(body, "para", kUpdate); }

}  // namespace openstack
