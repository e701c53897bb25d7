#include "console/http_head.h"

#include <algorithm>

namespace console {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110's tchar: what a method and a field name are made of.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char); }

// Visible ASCII, and (in field values) space, tab and bytes >= 0x80 (obs-text).
bool is_field_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

HeadParse invalid(std::string problem) {
  HeadParse p;
  p.status = HeadStatus::Invalid;
  p.problem = std::move(problem);
  return p;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls `each(name, value)` for every "name=value" piece of `text` split at `separator`.
template <typename Each>
void pieces(std::string_view text, char separator, Each each) {
  while (!text.empty()) {
    const auto end = text.find(separator);
    const auto piece = text.substr(0, end);
    const auto eq = piece.find('=');
    if (each(piece.substr(0, eq), eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1))) return;
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

std::optional<std::string_view> RequestHead::field(std::string_view name) const {
  for (const auto& [n, v] : fields)
    if (n == name) return std::string_view(v);
  return std::nullopt;
}

bool RequestHead::lists(std::string_view name, std::string_view token) const {
  for (const auto& [n, v] : fields) {
    if (n != name) continue;
    std::string_view rest = v;
    while (true) {
      const auto comma = rest.find(',');
      if (iequals(trimmed(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

HeadParse parse_head(std::string_view bytes) {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() > kMaxHeadBytes) return invalid("the request head is too long");
    return {};
  }
  if (end + 4 > kMaxHeadBytes) return invalid("the request head is too long");
  std::string_view rest = bytes.substr(0, end + 2);  // every line ends in CRLF
  const auto next_line = [&rest]() {
    const auto crlf = rest.find("\r\n");
    const auto line = rest.substr(0, crlf);
    rest.remove_prefix(crlf + 2);
    return line;
  };

  HeadParse parsed;
  auto& head = parsed.head;
  // request-line = method SP request-target SP HTTP-version
  const auto line = next_line();
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return invalid("the request line is not METHOD TARGET VERSION");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return invalid("the method is not a token");
  if (target.empty() || target.front() != '/' ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return invalid("the target is not an absolute path");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return invalid("the version is not HTTP/1.1 or HTTP/1.0");
  head.method = std::string(method);
  const auto question = target.find('?');
  head.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) head.query = std::string(target.substr(question + 1));

  while (!rest.empty()) {
    const auto field = next_line();
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) return invalid("a header field has no colon");
    const auto name = field.substr(0, colon);
    const auto value = field.substr(colon + 1);
    // No space before the colon (RFC 9112 5.1), no obsolete line folding.
    if (!is_token(name)) return invalid("a header field name is not a token");
    if (!std::all_of(value.begin(), value.end(), is_field_char))
      return invalid("a header field value has a control byte");
    if (head.fields.size() == kMaxHeaderFields) return invalid("too many header fields");
    std::string lowered(name);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), lower);
    head.fields.emplace_back(std::move(lowered), std::string(trimmed(value)));
  }
  parsed.status = HeadStatus::Complete;
  parsed.consumed = end + 4;
  return parsed;
}

std::optional<std::string> percent_decoded(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  pieces(query, '&', [&](std::string_view key, std::string_view value) {
    const auto decoded_key = percent_decoded(key, true);
    if (!decoded_key || *decoded_key != name) return false;
    found = percent_decoded(value, true);
    return true;
  });
  return found;
}

std::optional<std::string> cookie_value(std::string_view cookies, std::string_view name) {
  std::optional<std::string> found;
  pieces(cookies, ';', [&](std::string_view key, std::string_view value) {
    if (trimmed(key) != name) return false;
    found = std::string(trimmed(value));
    return true;
  });
  return found;
}

std::optional<std::string> request_token(const RequestHead& head) {
  if (auto token = query_value(head.query, "token")) return token;
  if (auto path = query_value(head.query, "path")) {
    const auto question = path->find('?');
    if (question != std::string::npos)
      if (auto token = query_value(std::string_view(*path).substr(question + 1), "token")) return token;
  }
  if (auto cookies = head.field("cookie"))
    if (auto token = cookie_value(*cookies, "token")) return token;
  return std::nullopt;
}

}  // namespace console
