#include "adapters/openstack/neutron/query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "adapters/openstack/neutron/input.h"
#include "core/text.h"

namespace openstack::neutron {
namespace {

using Value = rapidjson::Value;

const std::set<std::string, std::less<>>& special_filters() {
  static const std::set<std::string, std::less<>> s = {"tags", "tags-any", "not-tags", "not-tags-any", "changed_since"};
  return s;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    auto piece = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!piece.empty()) out.push_back(std::move(piece));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string_view text_of(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Whether a value matches one query value, as Neutron converts the query.
bool matches(const Value& v, const std::string& wanted) {
  if (v.IsString()) return text_of(v) == wanted;
  if (v.IsBool()) return parse_bool(wanted) == v.GetBool();
  if (v.IsInt64()) return std::to_string(v.GetInt64()) == wanted;
  if (v.IsNull()) return wanted.empty() || wanted == "None" || wanted == "null";
  if (v.IsArray()) {
    for (const auto& item : v.GetArray())
      if (matches(item, wanted)) return true;
  }
  return false;
}

std::set<std::string> tags_of(const Value& o) {
  std::set<std::string> out;
  if (auto it = o.FindMember("tags"); it != o.MemberEnd() && it->value.IsArray())
    for (const auto& t : it->value.GetArray())
      if (t.IsString()) out.emplace(text_of(t));
  return out;
}

// fixed_ips=ip_address=10.0.0.5 (or subnet_id=..., ip_address_substr=...).
bool fixed_ip_matches(const Value& o, const std::string& wanted) {
  const auto eq = wanted.find('=');
  if (eq == std::string::npos) return false;
  const auto key = wanted.substr(0, eq), value = wanted.substr(eq + 1);
  const auto it = o.FindMember("fixed_ips");
  if (it == o.MemberEnd() || !it->value.IsArray()) return false;
  for (const auto& ip : it->value.GetArray()) {
    const auto addr = ip.FindMember("ip_address"), subnet = ip.FindMember("subnet_id");
    if (key == "ip_address" && addr != ip.MemberEnd() && text_of(addr->value) == value) return true;
    if (key == "subnet_id" && subnet != ip.MemberEnd() && text_of(subnet->value) == value) return true;
    if (key == "ip_address_substr" && addr != ip.MemberEnd() && text_of(addr->value).find(value) != std::string::npos)
      return true;
  }
  return false;
}

bool keep(const Value& o, const std::string& attribute, const std::vector<std::string>& values) {
  if (attribute == "tags" || attribute == "tags-any" || attribute == "not-tags" || attribute == "not-tags-any") {
    const auto have = tags_of(o);
    std::vector<std::string> wanted;
    for (const auto& v : values)
      for (auto& t : split_commas(v)) wanted.push_back(std::move(t));
    const bool all = std::all_of(wanted.begin(), wanted.end(), [&](const auto& t) { return have.count(t) > 0; });
    const bool any = std::any_of(wanted.begin(), wanted.end(), [&](const auto& t) { return have.count(t) > 0; });
    if (attribute == "tags") return all;
    if (attribute == "tags-any") return any;
    if (attribute == "not-tags") return !all;
    return !any;
  }
  if (attribute == "changed_since") {
    const auto it = o.FindMember("updated_at");
    return it != o.MemberEnd() && it->value.IsString() && !values.empty() && text_of(it->value) >= values.front();
  }
  if (attribute == "fixed_ips")
    return std::any_of(values.begin(), values.end(), [&](const auto& v) { return fixed_ip_matches(o, v); });
  const auto it = o.FindMember(attribute.c_str());
  if (it == o.MemberEnd()) return false;
  return std::any_of(values.begin(), values.end(), [&](const auto& v) { return matches(it->value, v); });
}

// An order between two values of one attribute: null first, then by type.
int compare(const Value* a, const Value* b) {
  const auto rank = [](const Value* v) { return !v || v->IsNull() ? 0 : v->IsBool() ? 1 : v->IsNumber() ? 2 : 3; };
  if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (!a || a->IsNull()) return 0;
  if (a->IsBool()) return a->GetBool() == b->GetBool() ? 0 : a->GetBool() ? 1 : -1;
  if (a->IsNumber()) return a->GetDouble() < b->GetDouble() ? -1 : a->GetDouble() > b->GetDouble() ? 1 : 0;
  if (a->IsString() && b->IsString()) return text_of(*a).compare(text_of(*b)) < 0 ? -1 : text_of(*a) == text_of(*b) ? 0 : 1;
  return 0;
}

const Value* member(const Value& o, const std::string& key) {
  const auto it = o.FindMember(key.c_str());
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string id_of(const Value& o) {
  const auto* id = member(o, "id");
  return id && id->IsString() ? std::string(text_of(*id)) : std::string();
}

}  // namespace

std::variant<ListQuery, NeutronError> parse_list_query(const Params& params, const std::set<std::string>& attributes) {
  ListQuery q;
  std::vector<std::string> sort_keys, sort_dirs;
  for (const auto& [key, value] : params) {
    if (key == "fields") {
      for (auto& f : split_commas(value)) q.fields.push_back(std::move(f));
    } else if (key == "sort_key") {
      if (!attributes.count(value))
        return bad_request(fmt::format("{} is invalid attribute for sort_key", core::valid_utf8(value)));
      sort_keys.push_back(value);
    } else if (key == "sort_dir") {
      if (value != "asc" && value != "desc")
        return bad_request(fmt::format("{} is invalid value for sort_dir, valid values are 'asc' and 'desc'",
                                       core::valid_utf8(value)));
      sort_dirs.push_back(value);
    } else if (key == "limit") {
      long long n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 0)
        return bad_request(fmt::format("Limit must be an integer 0 or greater and not '{}'", core::valid_utf8(value)));
      if (n > 0) q.limit = n;
    } else if (key == "marker") {
      q.marker = value;
    } else if (key == "page_reverse") {
      q.page_reverse = parse_bool(value).value_or(false);
    } else if (attributes.count(key) || special_filters().count(key)) {
      auto it = std::find_if(q.filters.begin(), q.filters.end(), [&key = key](const auto& f) { return f.first == key; });
      if (it == q.filters.end()) q.filters.push_back({key, {value}});
      else it->second.push_back(value);
    } else {
      return bad_request(fmt::format("[{}] is invalid attribute for filtering", core::valid_utf8(key)));
    }
  }
  if (!sort_dirs.empty() && sort_dirs.size() != sort_keys.size())
    return bad_request("The number of sort_keys and sort_dirs must be same");
  for (std::size_t i = 0; i < sort_keys.size(); ++i)
    q.sort.emplace_back(sort_keys[i], sort_dirs.empty() || sort_dirs[i] == "asc");
  return q;
}

void cut_to_fields(Value& object, const std::vector<std::string>& fields) {
  if (fields.empty() || !object.IsObject()) return;
  for (auto it = object.MemberBegin(); it != object.MemberEnd();) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) it = object.EraseMember(it);
    else ++it;
  }
}

std::variant<PageInfo, NeutronError> apply_list_query(const ListQuery& q, Value& items,
                                                      rapidjson::Document::AllocatorType& a) {
  Value kept(rapidjson::kArrayType);
  for (auto& item : items.GetArray()) {
    bool wanted = true;
    for (const auto& [attribute, values] : q.filters) wanted = wanted && keep(item, attribute, values);
    if (wanted) kept.PushBack(item, a);
  }
  std::vector<Value*> order;
  for (auto& item : kept.GetArray()) order.push_back(&item);
  if (!q.sort.empty()) {
    std::stable_sort(order.begin(), order.end(), [&](const Value* x, const Value* y) {
      for (const auto& [key, ascending] : q.sort) {
        const int c = compare(member(*x, key), member(*y, key));
        if (c != 0) return ascending ? c < 0 : c > 0;
      }
      return false;
    });
  }
  if (q.page_reverse) std::reverse(order.begin(), order.end());
  PageInfo page;
  std::size_t start = 0;
  if (!q.marker.empty()) {
    auto it = std::find_if(order.begin(), order.end(), [&](const Value* v) { return id_of(*v) == q.marker; });
    if (it == order.end()) return bad_request(fmt::format("Marker {} could not be found.", core::valid_utf8(q.marker)));
    start = static_cast<std::size_t>(it - order.begin()) + 1;
    page.has_marker = true;
  }
  std::size_t end = order.size();
  if (q.limit && start + static_cast<std::size_t>(*q.limit) < order.size()) {
    end = start + static_cast<std::size_t>(*q.limit);
    page.more = true;
  }
  std::vector<Value*> chosen(order.begin() + static_cast<long>(std::min(start, order.size())),
                             order.begin() + static_cast<long>(std::max(std::min(start, order.size()), end)));
  if (q.page_reverse) std::reverse(chosen.begin(), chosen.end());
  if (!chosen.empty()) {
    page.first_id = id_of(*chosen.front());
    page.last_id = id_of(*chosen.back());
  }
  Value out(rapidjson::kArrayType);
  for (auto* v : chosen) {
    cut_to_fields(*v, q.fields);
    out.PushBack(*v, a);
  }
  items = std::move(out);
  return page;
}

std::vector<std::pair<std::string, std::string>> page_links(const ListQuery& q, const PageInfo& page,
                                                            const std::string& url) {
  std::vector<std::pair<std::string, std::string>> links;
  if (!q.limit) return links;
  const auto link = [&](const std::string& marker, bool reverse) {
    auto href = fmt::format("{}?limit={}&marker={}", url, *q.limit, marker);
    for (const auto& [key, ascending] : q.sort) href += fmt::format("&sort_key={}&sort_dir={}", key, ascending ? "asc" : "desc");
    if (reverse) href += "&page_reverse=True";
    return href;
  };
  const bool forward_more = q.page_reverse ? page.has_marker : page.more;
  const bool backward_more = q.page_reverse ? page.more : page.has_marker;
  if (forward_more && !page.last_id.empty()) links.emplace_back("next", link(page.last_id, false));
  if (backward_more && !page.first_id.empty()) links.emplace_back("previous", link(page.first_id, true));
  return links;
}

}  // namespace openstack::neutron
