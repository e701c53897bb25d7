#include "adapters/openstack/glance/image_query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/shared/iso_time.h"

namespace openstack {
namespace {

constexpr std::size_t kMaxLimit = 1000;  // Glance's api_limit_max

const std::vector<std::string> kSortKeys = {"name", "status", "container_format", "disk_format",
                                            "size", "id",     "created_at",       "updated_at"};

// A time filter compares to the second, as the views show times (and as
// Glance's database keeps them); the order keeps the milliseconds, so images
// made in one second list in the order they were made.
core::Millis to_second(core::Millis ms) { return ms / 1000 * 1000; }

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// Glance's split_filter_op: "op:value", unless the whole text is an ISO 8601 time.
std::pair<std::string, std::string> split_op(const std::string& expression) {
  const auto colon = expression.find(':');
  if (colon == std::string::npos || parse_iso8601(expression)) return {"eq", expression};
  return {expression.substr(0, colon), expression.substr(colon + 1)};
}

// Glance's validate_quotes and split_filter_value_for_quotes: "a,\"b,c\",d".
std::variant<std::vector<std::string>, std::string> split_list(const std::string& value) {
  bool open = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '"' || (i && value[i - 1] == '\\')) continue;
    if (open && i && value[i - 1] != ',')
      return fmt::format("Invalid filter value {}. There is no comma before opening quotation mark.", value);
    if (!open && i + 1 != value.size() && value[i + 1] != ',')
      return fmt::format("Invalid filter value {}. There is no comma after closing quotation mark.", value);
    open = !open;
  }
  if (!open) return fmt::format("Invalid filter value {}. The quote is not closed.", value);
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    if (value[pos] == '"') {
      std::size_t end = pos + 1;
      while (end < value.size() && value[end] != '"') end += value[end] == '\\' ? 2 : 1;
      out.push_back(value.substr(pos + 1, std::min(end, value.size()) - pos - 1));
      pos = end + 1;
    } else if (value[pos] == ',') {
      out.emplace_back();
    } else {
      const auto end = std::min(value.find(',', pos), value.size());
      out.push_back(value.substr(pos, end - pos));
      pos = end;
    }
    if (pos < value.size() && value[pos] == ',') ++pos;
  }
  return out;
}

// Python's int() over a query value: optional sign and digits, spaces around.
std::optional<long long> integer(const std::string& text) {
  const auto t = trim(text);
  std::string_view digits = t;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  if (digits.size() > 15) return t[0] == '-' ? -1 : 1LL << 50;  // beyond any limit or size here
  long long n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return t[0] == '-' ? -n : n;
}

bool compare(long long value, const std::string& op, long long threshold) {
  if (op == "gt") return value > threshold;
  if (op == "gte") return value >= threshold;
  if (op == "lt") return value < threshold;
  if (op == "lte") return value <= threshold;
  if (op == "neq") return value != threshold;
  return value == threshold;
}

// An image's value for an exact filter, as Glance's columns compare.
std::optional<std::string> value_of(const Image& i, const std::string& key) {
  if (key == "id") return i.id;
  if (key == "name") return i.name;
  if (key == "status") return i.status;
  if (key == "owner") return i.owner;
  if (key == "container_format") return i.container_format;
  if (key == "disk_format") return i.disk_format;
  if (key == "checksum") return i.checksum;
  if (key == "os_hash_value") return i.os_hash;
  if (key == "protected") return std::string(i.protected_ ? "true" : "false");
  if (key == "min_ram") return std::to_string(i.min_ram);
  if (key == "min_disk") return std::to_string(i.min_disk);
  if (key == "size") return i.size ? std::optional<std::string>(std::to_string(*i.size)) : std::nullopt;
  if (auto p = core::find_pair(i.properties, key)) return std::string(*p);
  return std::nullopt;
}

std::optional<std::string> add_filter(ImageQuery& q, const std::string& key, const std::string& value) {
  ImageQuery::Filter f;
  f.key = key;
  if (key == "created_at" || key == "updated_at") {
    auto [op, when] = split_op(value);
    const auto parsed = parse_iso8601(when);
    if (!parsed) return fmt::format("Bad \"{}\" query filter format. Use ISO 8601 DateTime notation.", key);
    if (op != "gt" && op != "gte" && op != "lt" && op != "lte" && op != "neq" && op != "eq")
      return std::string("Unable to filter on a unknown operator.");
    f.op = op;
    f.time = *parsed;
  } else if (key == "size_min" || key == "size_max") {
    const auto n = integer(value);
    if (!n) return std::string("Unable to filter on a range with a non-numeric value.");
    f.op = key == "size_min" ? "min" : "max";
    f.number = *n;
  } else if (key == "name" || key == "id" || key == "status" || key == "container_format" || key == "disk_format") {
    auto [op, list] = split_op(value);
    if (op == "in") {
      auto split = split_list(list);
      if (auto* problem = std::get_if<std::string>(&split)) return *problem;
      f.values = std::move(std::get<std::vector<std::string>>(split));
    } else if (op == "eq") {
      f.values = {list};
    } else {
      return fmt::format("Unable to filter by unknown operator '{}'.", op);
    }
    f.op = op;
  } else if (key == "protected") {
    if (value != "true" && value != "false")
      return fmt::format("Invalid value '{}' for 'protected' filter. Valid values are 'true' or 'false'.", value);
    f.op = "eq";
    f.values = {value};
  } else {
    f.op = "eq";
    f.values = {value};
  }
  q.filters.push_back(std::move(f));
  return std::nullopt;
}

}  // namespace

std::variant<ImageQuery, std::string> parse_image_query(const std::vector<std::pair<std::string, std::string>>& params) {
  ImageQuery q;
  std::vector<std::string> sort_keys, sort_dirs;
  bool new_sort = false, old_sort = false;
  for (const auto& [key, value] : params) {
    if (key != "marker") q.params.emplace_back(key, value);
    if (key == "limit") {
      const auto n = integer(value);
      if (!n) return std::string("limit param must be an integer");
      if (*n < 0) return std::string("limit param must be positive");
      q.limit = std::min<std::size_t>(static_cast<std::size_t>(*n), kMaxLimit);
    } else if (key == "marker") {
      q.marker = value;
    } else if (key == "member_status") {
      if (value != "pending" && value != "accepted" && value != "rejected" && value != "all")
        return fmt::format("Invalid status: {}", value);
      q.member_status = value;
    } else if (key == "visibility") {
      if (value != "community" && value != "public" && value != "private" && value != "shared" && value != "all")
        return fmt::format("Invalid visibility value: {}", value);
      q.visibility = value;
    } else if (key == "os_hidden") {
      std::string lower;
      for (const char c : value) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (lower != "true" && lower != "false")
        return fmt::format("Invalid value '{}' for 'os_hidden' filter. Valid values are 'true' or 'false'.", value);
      q.os_hidden = lower == "true";
    } else if (key == "tag") {
      q.tags.push_back(trim(value));
    } else if (key == "changes-since") {
      return std::string("The \"changes-since\" filter is no longer available on v2.");
    } else if (key == "sort") {
      new_sort = true;
      std::string_view rest = value;
      while (true) {
        const auto comma = rest.find(',');
        const auto part = rest.substr(0, comma);
        const auto colon = part.find(':');
        sort_keys.push_back(trim(part.substr(0, colon)));
        sort_dirs.push_back(colon == std::string_view::npos ? "desc" : trim(part.substr(colon + 1)));
        if (sort_dirs.back().empty()) sort_dirs.back() = "desc";
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (key == "sort_key") {
      old_sort = true;
      sort_keys.push_back(trim(value));
    } else if (key == "sort_dir") {
      old_sort = true;
      sort_dirs.push_back(trim(value));
    } else if (auto problem = add_filter(q, key, value)) {
      return *problem;
    }
  }
  if (new_sort && old_sort) return std::string("Old and new sorting syntax cannot be combined");
  for (const auto& k : sort_keys)
    if (std::find(kSortKeys.begin(), kSortKeys.end(), k) == kSortKeys.end())
      return fmt::format("Invalid sort key: {}. It must be one of the following: name, status, container_format, "
                         "disk_format, size, id, created_at, updated_at.", k);
  for (const auto& d : sort_dirs)
    if (d != "asc" && d != "desc") return fmt::format("Invalid sort direction: {}", d);
  if (!new_sort && sort_dirs.size() > 1 && sort_dirs.size() != sort_keys.size())
    return std::string("Number of sort dirs does not match the number of sort keys");
  if (sort_keys.empty()) sort_keys = {"created_at"};
  // One direction given applies to every key; none: Glance's desc.
  const std::string fallback = sort_dirs.size() == 1 ? sort_dirs[0] : "desc";
  for (std::size_t i = 0; i < sort_keys.size(); ++i)
    q.sort.emplace_back(sort_keys[i], (i < sort_dirs.size() && (new_sort || sort_dirs.size() > 1) ? sort_dirs[i]
                                                                                                  : fallback) == "asc");
  for (const char* tie : {"created_at", "id"})
    if (std::none_of(q.sort.begin(), q.sort.end(), [&](const auto& s) { return s.first == tie; }))
      q.sort.emplace_back(tie, fallback == "asc");
  return q;
}

bool matches(const Image& image, const ImageQuery& q) {
  if (image.os_hidden != q.os_hidden) return false;
  for (const auto& tag : q.tags)
    if (std::find(image.tags.begin(), image.tags.end(), tag) == image.tags.end()) return false;
  for (const auto& f : q.filters) {
    if (f.key == "created_at" || f.key == "updated_at") {
      const auto t = to_second(f.key == "created_at" ? created_of(image) : updated_of(image));
      if (!compare(t, f.op, f.time)) return false;
    } else if (f.op == "min" || f.op == "max") {
      if (!image.size || !compare(*image.size, f.op == "min" ? "gte" : "lte", f.number)) return false;
    } else {
      const auto v = value_of(image, f.key);
      if (!v || std::find(f.values.begin(), f.values.end(), *v) == f.values.end()) return false;
    }
  }
  return true;
}

bool before(const Image& a, const Image& b, const ImageQuery& q) {
  for (const auto& [key, asc] : q.sort) {
    int c = 0;
    if (key == "created_at") c = created_of(a) < created_of(b) ? -1 : created_of(a) > created_of(b);
    else if (key == "updated_at") c = updated_of(a) < updated_of(b) ? -1 : updated_of(a) > updated_of(b);
    else if (key == "size") c = a.size.value_or(-1) < b.size.value_or(-1) ? -1 : a.size.value_or(-1) > b.size.value_or(-1);
    else c = value_of(a, key).value_or("").compare(value_of(b, key).value_or(""));
    if (c != 0) return asc ? c < 0 : c > 0;
  }
  return false;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  const auto encode = [](const std::string& s) {
    std::string out;
    for (const unsigned char c : s) {
      if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') out += static_cast<char>(c);
      else if (c == ' ') out += '+';
      else out += fmt::format("%{:02X}", c);
    }
    return out;
  };
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += encode(k) + "=" + encode(v);
  }
  return out;
}

}  // namespace openstack
