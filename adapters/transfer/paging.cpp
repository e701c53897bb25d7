// The token is the base64url of "<listing>\n<server>\n<after>": no secret is
// needed, since a forged one can only place a listing the caller may read
// anyway; what must not happen is a token silently applied to another one.
#include "adapters/transfer/paging.h"

namespace transfer {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int value_of(char c) {
  for (int i = 0; i < 64; ++i)
    if (kAlphabet[i] == c) return i;
  return -1;
}

std::string encode(std::string_view raw) {
  std::string out;
  unsigned bits = 0;
  int pending = 0;
  for (unsigned char byte : raw) {
    bits = (bits << 8) | byte;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      out += kAlphabet[(bits >> pending) & 0x3f];
    }
  }
  if (pending > 0) out += kAlphabet[(bits << (6 - pending)) & 0x3f];
  return out;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  unsigned bits = 0;
  int pending = 0;
  for (char c : text) {
    const int v = value_of(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out += static_cast<char>((bits >> pending) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string page_token(std::string_view listing, std::string_view server, std::string_view after) {
  std::string raw(listing);
  raw += '\n';
  raw.append(server);
  raw += '\n';
  raw.append(after);
  return encode(raw);
}

std::optional<std::string> page_after(std::string_view token, std::string_view listing, std::string_view server) {
  auto raw = decode(token);
  if (!raw) return std::nullopt;
  std::string prefix(listing);
  prefix += '\n';
  prefix.append(server);
  prefix += '\n';
  if (raw->size() <= prefix.size() || raw->compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return raw->substr(prefix.size());
}

}  // namespace transfer
