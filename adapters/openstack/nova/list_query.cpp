#include "adapters/openstack/nova/list_query.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "adapters/openstack/api.h"
#include "adapters/openstack/nova/server_tags.h"
#include "adapters/openstack/nova/views.h"
#include "adapters/openstack/shared/iso_time.h"
#include "core/text.h"

namespace openstack {
namespace {

using Params = std::multimap<std::string, std::string>;

// Query parameters Nova's server list accepts (schemas/servers.py); from
// 2.75 any other is a 400, before it they are ignored.
const std::set<std::string, std::less<>> kListParams = {
    "name", "status", "all_tenants", "limit", "marker", "changes-since", "changes-before", "sort_key", "sort_dir",
    "image", "flavor", "ip", "ip6", "host", "node", "tenant_id", "project_id", "user_id", "deleted",
    "reservation_id", "locked", "tags", "tags-any", "not-tags", "not-tags-any", "availability_zone",
    "launched_at", "terminated_at", "created_at", "updated_at", "key_name", "config_drive", "uuid",
    "power_state", "task_state", "vm_state", "description", "hostname", "display_name", "display_description",
    "access_ip_v4", "access_ip_v6", "kernel_id", "ramdisk_id", "progress", "launch_index", "root_device_name",
    "image_ref", "flavor_id", "soft_deleted", "instance_type_id", "sort_by"};

constexpr int kMaxRegexDepth = 64;
constexpr long kMaxRegexCount = 1000;         // in {n}, {n,} and {n,m}, and after a backslash
constexpr std::size_t kMaxRegexStates = 512;  // as estimated_states counts them: any name (255), anchored
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;

const std::string* param(const Params& params, const char* key) {
  const auto it = params.equal_range(key).first;
  return it == params.end() || it->first != key ? nullptr : &it->second;
}

// The number written at `at` (digits only; `at` moves past them), capped just
// above kMaxRegexCount; 0 when there is none.
long number_at(const std::string& p, std::size_t& at) {
  long n = 0;
  for (; at < p.size() && std::isdigit(static_cast<unsigned char>(p[at])); ++at)
    n = std::min(n * 10 + (p[at] - '0'), kMaxRegexCount + 1);
  return n;
}

// Whether every number libstdc++ reads from the pattern (a repeat count, a
// back-reference's number, which polynomial mode refuses only after reading
// it) is at most kMaxRegexCount: it reads them into a long without checking
// for overflow (undefined behaviour; found by fuzzing). Braces and
// backslashes inside a bracket expression are read alike, to be safe.
bool numbers_in_range(const std::string& p) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '\\' && p[i] != '{') continue;
    std::size_t at = i + 1;
    if (number_at(p, at) > kMaxRegexCount) return false;
    if (p[i] == '{' && at < p.size() && p[at] == ',' && (++at, number_at(p, at) > kMaxRegexCount)) return false;
    if (p[i] == '\\') ++i;
  }
  return true;
}

// A bound on the states libstdc++ compiles the pattern into: one per atom (a
// bracket expression is one), a group what it holds and one more, a
// quantifier one more, and a repeat {m,n} n copies of what it repeats ({m,}:
// m + 1). Nothing when groups nest deeper than kMaxRegexDepth (the compiler
// recurses once per level, so deep nesting could exhaust the stack).
std::optional<std::size_t> estimated_states(const std::string& p) {
  static constexpr std::size_t kCap = 1'000'000;
  const auto add = [](std::size_t a, std::size_t b) { return std::min(a + b, kCap); };
  const auto times = [](std::size_t a, std::size_t b) { return b != 0 && a > kCap / b ? kCap : a * b; };
  std::vector<std::size_t> open{0};  // per group still open, the states so far
  std::size_t last = 0;              // the states of the last atom: what a quantifier repeats
  for (std::size_t i = 0; i < p.size(); ++i) {
    std::size_t atom = 1;
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '[') {
      std::size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;  // a first ']' is a member
      while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
      i = j;
    } else if (p[i] == '(') {
      if (open.size() > static_cast<std::size_t>(kMaxRegexDepth)) return std::nullopt;
      open.push_back(0);
      last = 0;
      continue;
    } else if (p[i] == ')' && open.size() > 1) {
      atom = add(open.back(), 1);
      open.pop_back();
    } else if (p[i] == '*' || p[i] == '+' || p[i] == '?') {
      open.back() = add(open.back(), 1);
      continue;
    } else if (p[i] == '{') {
      std::size_t at = i + 1;
      const auto low = static_cast<std::size_t>(number_at(p, at));
      auto high = low;
      if (at < p.size() && p[at] == ',') {
        ++at;
        high = at < p.size() && std::isdigit(static_cast<unsigned char>(p[at]))
                   ? static_cast<std::size_t>(number_at(p, at))
                   : low + 1;
      }
      if (at < p.size() && p[at] == '}') {  // a repeat: more copies of the last atom
        const auto copies = std::max<std::size_t>(high, 1);
        open.back() = add(open.back(), times(last, copies - 1));
        last = times(last, copies);
        i = at;
        continue;
      }
    }
    open.back() = add(open.back(), atom);
    last = atom;
  }
  std::size_t total = 0;
  for (const auto states : open) total = add(total, states);
  return total;
}

// Nova's query schema checks name as a Python regex. Ours is ECMAScript,
// compiled in libstdc++'s polynomial mode (no back-references) so no pattern
// can make a listing backtrack exponentially, with bounded nesting and
// numbers (see above), and with at most kMaxRegexStates states: matching
// costs a name's length times the states, and (.*){0,1000}x took 12 s on one
// 255-character name. It is matched inside [\s\S]*(?:...)[\s\S]*, whole, in one
// pass: regex_search starts over at every position of the name, which
// multiplied that cost by the name's length again.
std::variant<std::regex, Fault> name_filter(const std::string& pattern) {
  const auto not_regex = [&] {
    return bad_request(fmt::format("Invalid input for query parameters name. Value: {}. '{}' is not a 'regex'",
                                   pattern, pattern));
  };
  if (pattern.empty() || !numbers_in_range(pattern)) return not_regex();
  if (const auto states = estimated_states(pattern); !states || *states > kMaxRegexStates) return not_regex();
  try {
    (void)std::regex(pattern, kRegexFlags);  // as given: what the client wrote must compile on its own
    return std::regex("[\\s\\S]*(?:" + pattern + ")[\\s\\S]*", kRegexFlags);
  } catch (const std::regex_error&) {
    return not_regex();
  }
}

// Nova's server statuses; a status filter with any other is invalid.
bool known_status(std::string_view status) {
  static constexpr std::array<std::string_view, 20> kStatuses = {
      "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING", "PASSWORD", "PAUSED", "REBOOT", "REBUILD",
      "RESCUE", "RESIZE", "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF", "SOFT_DELETED", "SUSPENDED",
      "UNKNOWN", "VERIFY_RESIZE"};
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

// oslo's bool_from_string, not strict: anything but its true strings is false.
bool bool_from_string(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  text.remove_prefix(std::min(text.find_first_not_of(kSpace), text.size()));
  text = text.substr(0, text.find_last_not_of(kSpace) + 1);  // npos + 1: nothing left
  const auto value = core::ascii_lower(text);
  for (std::string_view yes : {"1", "t", "true", "on", "y", "yes"})
    if (value == yes) return true;
  return false;
}

// all_tenants as Nova reads it (oslo's strict bool_from_string); present
// but empty means true.
std::variant<bool, Fault> all_tenants_flag(const Params& params) {
  const auto* text = param(params, "all_tenants");
  if (!text) return false;
  const auto value = core::ascii_lower(*text);
  for (std::string_view yes : {"", "1", "t", "true", "on", "y", "yes"})
    if (value == yes) return true;
  for (std::string_view no : {"0", "f", "false", "off", "n", "no"})
    if (value == no) return false;
  return bad_request(fmt::format("Unrecognized value '{}', acceptable values are: '0', '1', 'f', 'false', 'n', "
                                 "'no', 'off', 'on', 't', 'true', 'y', 'yes'",
                                 *text));
}

// A tag filter's list, as Nova splits it (str.split(',')).
std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

bool ListParams::matches(const core::ServerInfo& server) const {
  if (no_status_matches) return false;
  const auto shown = status_view(server.state, server.transition_from);
  // By vm_state, as Nova's query is: a server being restored is still soft-deleted.
  const bool soft = shown.vm_state == "soft-delete";
  if ((soft && soft_deleted == SoftDeleted::Hidden) || (!soft && soft_deleted == SoftDeleted::Only)) return false;
  if (name && !std::regex_match(server.name, *name)) return false;
  if (image && core::find_pair(server.attributes, kImageAttr).value_or("") != *image) return false;
  // A server with no flavor recorded (made through Transfer) shows the first one.
  if (flavor && flavor_id(server).value_or("1") != *flavor) return false;
  if (changes_since && server.updated_ms < *changes_since) return false;
  if (changes_before && server.updated_ms > *changes_before) return false;
  if (host && (*host != kHost || server.state == core::State::ShelvedOffloaded)) return false;
  if (locked && server.lock.locked != *locked) return false;
  if (tags || tags_any || not_tags || not_tags_any) {
    const auto has = tags_of(server);
    const auto count = [&](const std::vector<std::string>& wanted) {
      return static_cast<std::size_t>(std::count_if(wanted.begin(), wanted.end(), [&](const std::string& t) {
        return std::find(has.begin(), has.end(), t) != has.end();
      }));
    };
    if (tags && count(*tags) != tags->size()) return false;
    if (tags_any && count(*tags_any) == 0) return false;
    if (not_tags && count(*not_tags) == not_tags->size()) return false;
    if (not_tags_any && count(*not_tags_any) != 0) return false;
  }
  return status.empty() || shown.status == status;
}

std::variant<ListParams, Fault> parse_list_query(const Params& params, const Version& version, bool admin,
                                                 const MarkerLookup& marker) {
  for (const auto& [k, v] : params) {
    if (version.at_least(75) && !kListParams.count(k))
      return bad_request(fmt::format(
          "Invalid input for query parameters {}. Value: {}. Additional properties are not allowed ('{}' was "
          "unexpected)",
          k, v, k));
  }
  ListParams out;
  auto all_tenants = all_tenants_flag(params);
  if (auto* fault = std::get_if<Fault>(&all_tenants)) return *fault;
  if (std::get<bool>(all_tenants)) {
    if (!admin)
      return Fault{403, "forbidden",
                   "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.", -1};
    out.all_tenants = true;
  }
  if (const auto* text = param(params, "limit")) {
    if (text->empty() || text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos)
      return bad_request(fmt::format(
          "Invalid input for query parameters limit. Value: {}. '{}' does not match '^[0-9]*$'", *text, *text));
    out.limit = std::min<std::size_t>(std::stoul(*text), 1000);
  }
  if (const auto* text = param(params, "marker")) {
    const auto seq = marker(*text);
    if (!seq) return bad_request(fmt::format("marker [{}] not found", *text));
    out.after_seq = *seq;
  }
  if (const auto* text = param(params, "name")) {
    auto filter = name_filter(*text);
    if (auto* fault = std::get_if<Fault>(&filter)) return *fault;
    out.name.emplace(std::move(std::get<std::regex>(filter)));
  }
  // Filters only an admin may use: another caller's are dropped, as Nova drops them.
  if (admin && out.all_tenants) {
    if (const auto* text = param(params, "tenant_id")) out.project = *text;
    if (const auto* text = param(params, "project_id")) out.project = *text;
  }
  if (admin) {
    if (const auto* text = param(params, "host")) out.host = *text;
    if (const auto* text = param(params, "node")) out.host = *text;
  }
  if (const auto* text = param(params, "image")) out.image = *text;
  if (const auto* text = param(params, "flavor")) out.flavor = *text;
  for (const auto* key : {"ip", "ip6"}) {
    const auto* text = param(params, key);
    if (!text || (key[2] == '6' && !version.at_least(5))) continue;
    auto filter = name_filter(*text);
    if (auto* fault = std::get_if<Fault>(&filter)) return *fault;
    (key[2] == '6' ? out.ip6 : out.ip).emplace(std::move(std::get<std::regex>(filter)));
  }
  for (const auto* key : {"changes-since", "changes-before"}) {
    const auto* text = param(params, key);
    if (!text || (key[8] == 'b' && !version.at_least(66))) continue;
    const auto t = parse_iso8601(*text);
    if (!t) return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. '{}' is not a 'date-time'",
                                           key, *text, *text));
    (key[8] == 's' ? out.changes_since : out.changes_before) = *t;
  }
  if (out.changes_since && out.changes_before && *out.changes_before < *out.changes_since)
    return bad_request("The value of changes-since must be less than or equal to changes-before.");
  // Nova's _get_servers: without `deleted` (a non-admin's is dropped) the
  // listing is of servers not deleted, soft-deleted ones left out, unless it
  // asks for changes (then deleted ones are listed too); deleted=true lists
  // deleted and soft-deleted ones only. Our deleted servers are the ledger's
  // and never listed: those listings show the soft-deleted ones.
  if (const auto* text = admin ? param(params, "deleted") : nullptr)
    out.soft_deleted = bool_from_string(*text) ? SoftDeleted::Only : SoftDeleted::Hidden;
  else if (out.changes_since || out.changes_before)
    out.soft_deleted = SoftDeleted::Shown;
  if (version.at_least(26)) {
    const std::pair<const char*, std::optional<std::vector<std::string>>*> filters[] = {
        {"tags", &out.tags}, {"tags-any", &out.tags_any}, {"not-tags", &out.not_tags},
        {"not-tags-any", &out.not_tags_any}};
    for (const auto& [key, list] : filters)
      if (const auto* text = param(params, key)) *list = split_tags(*text);
  }
  if (const auto* text = param(params, "locked"); text && version.at_least(73)) {
    const auto value = core::ascii_lower(*text);
    if (value == "true" || value == "1" || value == "t" || value == "yes" || value == "y" || value == "on") out.locked = true;
    else if (value == "false" || value == "0" || value == "f" || value == "no" || value == "n" || value == "off")
      out.locked = false;
    else return bad_request(fmt::format("Unrecognized value '{}', acceptable values are: '0', '1', 'f', 'false', "
                                        "'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'", *text));
  }
  if (const auto* text = param(params, "status")) {
    out.status = *text;
    for (auto& ch : out.status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    // An unknown status matches nothing; from 2.38 Nova refuses it.
    if (!known_status(out.status)) {
      if (version.at_least(38)) return bad_request("Invalid status value");
      out.no_status_matches = true;
    }
  }
  return out;
}

}  // namespace openstack
