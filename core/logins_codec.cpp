// Each record is a Pairs of named fields; nested lists (keys, mappings,
// tags) are themselves encoded fields, so any bytes round-trip. Unknown
// field names are skipped (a newer gateway may add some); missing required
// ones (a user's name and server) make the record unreadable.
#include "core/logins_codec.h"

#include <charconv>

#include "core/codec.h"

namespace core {
namespace {

std::string number(std::int64_t v) { return std::to_string(v); }

std::optional<std::uint64_t> unsigned_of(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<Millis> millis_of(std::string_view s) {
  Millis v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Fields by name, read once.
struct Fields {
  Pairs pairs;
  std::optional<std::string_view> get(std::string_view name) const { return find_pair(pairs, name); }
  std::string text(std::string_view name) const { return std::string(get(name).value_or("")); }
};

std::optional<Fields> fields(std::string_view text) {
  auto pairs = decode_pairs(text);
  if (!pairs) return std::nullopt;
  return Fields{std::move(*pairs)};
}

void put_home(Pairs& out, const Home& home) {
  out.emplace_back("home_type", home.type == HomeType::Logical ? "logical" : "path");
  out.emplace_back("home_directory", home.directory);
  Pairs mappings;
  for (const auto& m : home.mappings) mappings.emplace_back(m.entry, m.target);
  out.emplace_back("mappings", encode_pairs(mappings));
}

bool get_home(const Fields& f, Home& home) {
  const auto type = f.get("home_type").value_or("path");
  if (type != "path" && type != "logical") return false;
  home.type = type == "logical" ? HomeType::Logical : HomeType::Path;
  home.directory = f.text("home_directory");
  auto mappings = decode_pairs(f.get("mappings").value_or(""));
  if (!mappings) return false;
  for (auto& [entry, target] : *mappings) home.mappings.push_back({std::move(entry), std::move(target)});
  return true;
}

void put_posix(Pairs& out, const std::optional<PosixIdentity>& posix) {
  if (!posix) return;
  std::vector<std::string> ids{std::to_string(posix->uid), std::to_string(posix->gid)};
  for (auto gid : posix->secondary_gids) ids.push_back(std::to_string(gid));
  out.emplace_back("posix", encode_list(ids));
}

bool get_posix(const Fields& f, std::optional<PosixIdentity>& posix) {
  const auto text = f.get("posix");
  if (!text) return true;
  auto ids = decode_list(*text);
  if (!ids || ids->size() < 2) return false;
  PosixIdentity p;
  std::vector<std::uint64_t> numbers;
  for (const auto& id : *ids) {
    auto n = unsigned_of(id);
    if (!n) return false;
    numbers.push_back(*n);
  }
  p.uid = numbers[0];
  p.gid = numbers[1];
  p.secondary_gids.assign(numbers.begin() + 2, numbers.end());
  posix = std::move(p);
  return true;
}

bool get_pairs(const Fields& f, std::string_view name, Pairs& out) {
  auto pairs = decode_pairs(f.get(name).value_or(""));
  if (!pairs) return false;
  out = std::move(*pairs);
  return true;
}

bool get_millis(const Fields& f, std::string_view name, Millis& out) {
  const auto text = f.get(name);
  if (!text) return true;
  auto v = millis_of(*text);
  if (!v) return false;
  out = *v;
  return true;
}

std::string encode_key(const PublicKey& k) {
  return encode_pairs({{"id", k.id},
                       {"type", k.type},
                       {"body", k.body},
                       {"fingerprint", k.fingerprint},
                       {"imported_ms", number(k.imported_ms)}});
}

std::optional<PublicKey> decode_key(std::string_view text) {
  auto f = fields(text);
  if (!f || !f->get("id") || !f->get("fingerprint")) return std::nullopt;
  PublicKey k{f->text("id"), f->text("type"), f->text("body"), f->text("fingerprint"), 0};
  if (!get_millis(*f, "imported_ms", k.imported_ms)) return std::nullopt;
  return k;
}

}  // namespace

std::string encode_user(const LoginUser& u) {
  Pairs out{{"server", u.server}, {"name", u.name}};
  put_home(out, u.home);
  put_posix(out, u.posix);
  out.emplace_back("tags", encode_pairs(u.tags));
  out.emplace_back("attributes", encode_pairs(u.attributes));
  std::vector<std::string> keys;
  for (const auto& k : u.keys) keys.push_back(encode_key(k));
  out.emplace_back("keys", encode_list(keys));
  out.emplace_back("created_ms", number(u.created_ms));
  return encode_pairs(out);
}

std::optional<LoginUser> decode_user(std::string_view text) {
  auto f = fields(text);
  if (!f || !f->get("server") || !f->get("name")) return std::nullopt;
  LoginUser u;
  u.server = f->text("server");
  u.name = f->text("name");
  if (u.server.empty() || u.name.empty() || !get_home(*f, u.home) || !get_posix(*f, u.posix) ||
      !get_pairs(*f, "tags", u.tags) || !get_pairs(*f, "attributes", u.attributes) ||
      !get_millis(*f, "created_ms", u.created_ms))
    return std::nullopt;
  auto keys = decode_list(f->get("keys").value_or(""));
  if (!keys) return std::nullopt;
  for (const auto& text : *keys) {
    auto k = decode_key(text);
    if (!k) return std::nullopt;
    u.keys.push_back(std::move(*k));
  }
  return u;
}

std::string encode_host_key(const HostKey& k) {
  return encode_pairs({{"server", k.server},
                       {"id", k.id},
                       {"type", k.type},
                       {"fingerprint", k.fingerprint},
                       {"public_line", k.public_line},
                       {"private_pem", k.private_pem},
                       {"description", k.description},
                       {"tags", encode_pairs(k.tags)},
                       {"imported_ms", number(k.imported_ms)}});
}

std::optional<HostKey> decode_host_key(std::string_view text) {
  auto f = fields(text);
  if (!f || !f->get("server") || !f->get("id") || !f->get("private_pem")) return std::nullopt;
  HostKey k;
  k.server = f->text("server");
  k.id = f->text("id");
  k.type = f->text("type");
  k.fingerprint = f->text("fingerprint");
  k.public_line = f->text("public_line");
  k.private_pem = f->text("private_pem");
  k.description = f->text("description");
  if (k.server.empty() || k.id.empty() || !get_pairs(*f, "tags", k.tags) ||
      !get_millis(*f, "imported_ms", k.imported_ms))
    return std::nullopt;
  return k;
}

std::string encode_access(const Access& a) {
  Pairs out{{"server", a.server}, {"external_id", a.external_id}};
  put_home(out, a.home);
  put_posix(out, a.posix);
  out.emplace_back("attributes", encode_pairs(a.attributes));
  out.emplace_back("created_ms", number(a.created_ms));
  return encode_pairs(out);
}

std::optional<Access> decode_access(std::string_view text) {
  auto f = fields(text);
  if (!f || !f->get("server") || !f->get("external_id")) return std::nullopt;
  Access a;
  a.server = f->text("server");
  a.external_id = f->text("external_id");
  if (a.server.empty() || a.external_id.empty() || !get_home(*f, a.home) || !get_posix(*f, a.posix) ||
      !get_pairs(*f, "attributes", a.attributes) || !get_millis(*f, "created_ms", a.created_ms))
    return std::nullopt;
  return a;
}

}  // namespace core
